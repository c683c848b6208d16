"""`python -m staff_review <command>`: the staff tools (each command lives in its own cli_<name> module)."""

from __future__ import annotations

import argparse
import sys

from . import cli_merge, cli_retrain


def main() -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m staff_review", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in (cli_merge, cli_retrain):
        module.add_parser(subparsers)
    args = parser.parse_args()
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
