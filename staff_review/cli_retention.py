"""`python -m staff_review purge|erase`: the retention job a scheduler runs, and erasure on request."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cases.database import cases_engine_from_env

from .retention import conversation_exists, erase_conversation, purge_older_than
from .tracker_db import tracker_engine_from_env

DEFAULT_DAYS = 365


def default_days() -> int:
    """`RETENTION_DAYS` from the environment, else 365."""
    return int(os.environ.get("RETENTION_DAYS") or DEFAULT_DAYS)


def add_parser(subparsers: Any) -> None:
    """Add the `purge` and `erase` subcommands.

    Args:
        subparsers: The object `ArgumentParser.add_subparsers()` returned.
    """
    purge = subparsers.add_parser(
        "purge", help="delete conversations, cases, notes and audit entries older than the retention period"
    )
    purge.add_argument(
        "--days", type=int, default=None, help=f"retention period (default RETENTION_DAYS, else {DEFAULT_DAYS})"
    )
    purge.set_defaults(handler=run_purge)
    erase = subparsers.add_parser("erase", help="delete one conversation and its case (right to erasure)")
    erase.add_argument("sender_id", help="the conversation id (Rasa sender id)")
    erase.add_argument("--yes", action="store_true", help="really delete (required: this cannot be undone)")
    erase.set_defaults(handler=run_erase)


def run_purge(args: argparse.Namespace) -> int:
    """Run the retention job on the stores the environment names; print what was deleted."""
    days = args.days if args.days is not None else default_days()
    tracker, cases = tracker_engine_from_env(), cases_engine_from_env()
    try:
        counts = purge_older_than(days, tracker, cases)
    finally:
        tracker.dispose()
        cases.dispose()
    print(f"purged what is older than {days} days: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def run_erase(args: argparse.Namespace) -> int:
    """Erase one conversation after `--yes`; say so when nothing of it is stored."""
    if not args.yes:
        print(f"This deletes conversation {args.sender_id!r} and its case for good; add --yes.", file=sys.stderr)
        return 2
    tracker, cases = tracker_engine_from_env(), cases_engine_from_env()
    try:
        if not conversation_exists(args.sender_id, tracker, cases):
            print(f"nothing stored for conversation {args.sender_id!r}", file=sys.stderr)
            return 1
        counts = erase_conversation(args.sender_id, tracker, cases)
    finally:
        tracker.dispose()
        cases.dispose()
    print("erased: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0
