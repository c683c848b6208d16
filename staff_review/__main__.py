"""`python -m staff_review <command>`: every staff tool behind one command line.

Each tool adds its own subcommands from a `staff_review.cli_<name>` module with `add_parser(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

CLI_MODULES = (
    "staff_review.cli_export",
    "staff_review.cli_story",
    "staff_review.cli_merge",
    "staff_review.cli_retrain",
    "staff_review.cli_retention",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every tool's subcommands."""
    parser = argparse.ArgumentParser(prog="python -m staff_review", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in CLI_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the command line and run the chosen subcommand; its exit status."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
