"""Run the proxy: `python -m rasa_proxy --port 5005 --backend http://127.0.0.1:5006 --backend http://127.0.0.1:5007`.

`/health` asks every backend for its status and checks that each has loaded a model, with Rasa's token read as
every service reads it (RASA_TOKEN, RASA_TOKEN_FILE or $VAR_DIR/rasa_token; service_secrets).
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import List, Optional

from aiohttp import web

from service_secrets.tokens import RASA_TOKEN

from .app import create_app


def backend_url(value: str) -> str:
    """An http(s) base URL, or a clear error from argparse."""
    if not value.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"{value!r} is no base URL: write it as http://host:port")
    return value


def main(argv: Optional[List[str]] = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m rasa_proxy", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument(
        "--backend",
        action="append",
        required=True,
        type=backend_url,
        help="base URL of one Rasa server (repeat for each)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(args.backend, RASA_TOKEN.get())
    # On SIGTERM open websockets are closed at once; a long-poll in flight gets a few seconds, then the client
    # reconnects (to another process if this site is going down one process at a time).
    web.run_app(app, host=args.host, port=args.port, access_log=None, shutdown_timeout=5)


if __name__ == "__main__":
    main()
