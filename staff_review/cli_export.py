"""`python -m staff_review export`: write the review inbox as a review file (CSV and YAML) and print a summary."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional

from .conversations import OUTCOMES, load_turns
from .inbox import InboxFilter, build_inbox
from .review_file import write_review_files
from .tracker_db import tracker_engine_from_env


def day(value: str) -> datetime:
    """A YYYY-MM-DD argument as local midnight."""
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from error


def add_parser(subparsers: Any) -> None:
    """Register the `export` subcommand."""
    parser = subparsers.add_parser(
        "export",
        help="write the review inbox (redacted user messages since a date) as CSV and YAML",
        description="Read the user messages from the tracker store (TRACKER_DB_URL, else $VAR_DIR/rasa_tracker.db), "
        "redact them, group near-duplicates, order them most useful first and write <out>.csv and <out>.yml.",
    )
    parser.add_argument("--since", type=day, required=True, help="first day (YYYY-MM-DD, included)")
    parser.add_argument("--until", type=day, help="last day (YYYY-MM-DD, included)")
    parser.add_argument("--intent", help="only messages predicted as this intent (e.g. nlu_fallback)")
    parser.add_argument("--language", choices=["en", "nl"], help="only messages in this language")
    parser.add_argument("--outcome", choices=OUTCOMES, help="only turns that ended so")
    parser.add_argument("--max-confidence", type=float, help="only messages understood with at most this confidence")
    parser.add_argument("--min-confidence", type=float, help="only messages understood with at least this confidence")
    parser.add_argument("--out", type=Path, help="file name without extension (default reports/review/review-<today>)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Export the inbox; returns the exit code."""
    until: Optional[datetime] = args.until + timedelta(days=1) if args.until else None
    flt = InboxFilter(
        since=args.since,
        until=until,
        intent=args.intent,
        language=args.language,
        outcome=args.outcome,
        max_confidence=args.max_confidence,
        min_confidence=args.min_confidence,
    )
    turns = load_turns(tracker_engine_from_env(), since=args.since, until=until)
    items, withheld = build_inbox(turns, flt)
    stem = args.out or Path("reports/review") / f"review-{date.today().isoformat()}"
    paths = write_review_files(items, stem)
    conversations = {example["sender_id"] for item in items for example in item.examples}
    messages = sum(item.count for item in items)
    print(
        f"{len(items)} items ({messages} messages) from {len(conversations)} conversations; "
        f"{withheld} withheld as still personal after redaction"
    )
    for path in paths:
        print(f"wrote {path}")
    return 0
