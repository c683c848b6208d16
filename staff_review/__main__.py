"""`python -m staff_review <command>`: the staff tools (each command lives in its own `cli_<name>` module)."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import cli_export, cli_story


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the command line and run the chosen command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m staff_review", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in (cli_export, cli_story):
        module.add_parser(subparsers)
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
