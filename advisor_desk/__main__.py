"""Run the desk: `python -m advisor_desk [--host 127.0.0.1] [--port 5080]`."""

from __future__ import annotations

import argparse
import os
from typing import List, Optional

from aiohttp import web

from service_logging.setup import configure as configure_logging

from .app import create_app


def main(argv: Optional[List[str]] = None) -> None:
    """Parse the command line and serve the desk until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m advisor_desk", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DESK_PORT", "5080")))
    args = parser.parse_args(argv)
    as_json = configure_logging("advisor_desk")  # JSON lines in production (APP_MODE/LOG_FORMAT), else plain text
    web.run_app(create_app(), host=args.host, port=args.port, print=None if as_json else print)


if __name__ == "__main__":
    main()
