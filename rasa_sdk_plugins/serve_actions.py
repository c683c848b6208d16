"""Starts the action server (`rasa run actions`, same options) with production logging from its first line.

    python -m rasa_sdk_plugins.serve_actions --port 5055

`rasa run actions` imports all of Rasa and sets up coloured logging before any project code runs, so in
production (APP_MODE=production or LOG_FORMAT=json) its import-time warnings and first log lines would be
plain text among the JSON. This launcher sets up the JSON logging (`service_logging`) first and then runs
rasa-sdk's own server, which does not import Rasa at all; outside production it is `rasa run actions`. The
plugin (`rasa_sdk_plugins`: caller and conversation checks, knowledge base) is the same either way.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from service_logging.setup import configure, json_logs_wanted

SERVICE = "action_server"
DEFAULT_ACTIONS = "actions"


def main(argv: Optional[List[str]] = None) -> None:
    """Parse `rasa run actions`' options, set up logging, serve until stopped."""
    as_json = json_logs_wanted()
    if as_json:
        configure(SERVICE, force_json=True)  # before rasa-sdk is imported: its import-time warnings too
    import rasa_sdk.__main__
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_argument_parser, run

    parser: argparse.ArgumentParser = create_argument_parser()
    parser.prog = "python -m rasa_sdk_plugins.serve_actions"
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    args.actions = args.actions or DEFAULT_ACTIONS
    if not as_json:
        rasa_sdk.__main__.main_from_args(args)
        return
    utils.update_sanic_log_level()  # Sanic's levels as rasa-sdk sets them (LOG_LEVEL_LIBRARIES)...
    configure(SERVICE, force_json=True)  # ...its records through the JSON handler
    run(args.actions, args.port, args.cors, args.ssl_certificate, args.ssl_keyfile, args.ssl_password, args.auto_reload)


if __name__ == "__main__":
    main()
