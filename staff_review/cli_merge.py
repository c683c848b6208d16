"""`python -m staff_review merge <review-file>`: only the merge into data/ and knowledge/ (no training)."""

from __future__ import annotations

import argparse
from pathlib import Path

from actions.paths import ROOT

from .merge import merge_decisions
from .review_file import read_decisions


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `merge` subcommand."""
    parser = subparsers.add_parser("merge", help="merge a review file into data/ (no training)", description=__doc__)
    parser.add_argument("review_file", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the training data folder")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Merge and print the summary (conflicts and refusals listed); 0 always: a conflict is information."""
    result = merge_decisions(read_decisions(args.review_file), args.data)
    print(result.summary())
    for path in result.files:
        print(f"written: {path}")
    if not result.changed:
        print("nothing changed")
    return 0
