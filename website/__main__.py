"""Run the demo website: `python -m website [--host 127.0.0.1] [--port 5070]`."""

from __future__ import annotations

import argparse
import logging
import os
from typing import List, Optional

from aiohttp import web

from .app import create_app, socket_url_from_env


def main(argv: Optional[List[str]] = None) -> None:
    """Parse the command line and serve the website until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m website", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEBSITE_PORT", "5070")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(create_app(socket_url_from_env()), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
