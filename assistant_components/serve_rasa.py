"""Starts the Rasa server (`rasa run`, same options) with its secrets read from the environment or files.

    python -m assistant_components.serve_rasa --enable-api --port 5005 --endpoints var/endpoints.yml

`rasa run --auth-token <token>` shows the token to anyone who can run `ps`, and Rasa then accepts it in the
URL (`?token=`), where proxies and access logs keep it. This launcher parses the same options as `rasa run`,
refuses `--auth-token` and `--jwt-secret`, and starts the server in this process with the token (RASA_TOKEN,
else the file RASA_TOKEN_FILE names, else `$VAR_DIR/rasa_token`, generated once) as its JWT secret and no
query-string token: clients send `Authorization: Bearer <short-lived JWT>` (`service_secrets.rasa_auth`).
It also puts the action server token into ACTION_SERVER_TOKEN when only a file holds it, for the endpoints
file's `${ACTION_SERVER_TOKEN}`, and in production mode (APP_MODE=production or LOG_FORMAT=json) makes every
log line JSON (`service_logging`), Sanic's and Rasa's printed notices included.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import List, Optional

SERVICE = "rasa_server"
REFUSED_OPTIONS = {
    "auth_token": "--auth-token puts the token on the command line and allows it in URLs",
    "jwt_secret": "--jwt-secret puts the secret on the command line",
}


def parse(argv: List[str]) -> argparse.Namespace:
    """`rasa run`'s own parser applied to `argv`; the secret-bearing options are refused with a sentence."""
    from rasa.__main__ import create_argument_parser

    parser = create_argument_parser()
    args = parser.parse_args(["run", *argv])
    for option, why in REFUSED_OPTIONS.items():
        if getattr(args, option, None):
            parser.exit(2, f"serve_rasa: {why}; set RASA_TOKEN or RASA_TOKEN_FILE instead.\n")
    return args


def configure_logging(args: argparse.Namespace) -> None:
    """Rasa's own logging set-up, or, in production mode, JSON lines for Rasa, Sanic and printed notices."""
    from service_logging import setup

    if not setup.json_logs_wanted():
        import rasa.utils.io
        from rasa.utils.common import configure_logging_and_warnings

        configure_logging_and_warnings(args.loglevel, args.logging_config_file, True, True)
        rasa.utils.io.configure_colored_logging(args.loglevel)
        return
    from rasa.utils.common import configure_logging_and_warnings
    from sanic.log import LOGGING_CONFIG_DEFAULTS

    configure_logging_and_warnings(args.loglevel, None, True, False)  # Rasa's levels and warning filters
    setup.configure(SERVICE, force_json=True)
    # Sanic applies this dict when Rasa creates its app: give Sanic's loggers the JSON handler (in place:
    # sanic.app holds a reference to the same dict).
    LOGGING_CONFIG_DEFAULTS.clear()
    LOGGING_CONFIG_DEFAULTS.update(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": setup.JsonFormatter, "service": SERVICE}},
            "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
            "loggers": {
                name: {"level": "INFO", "handlers": ["json"], "propagate": False}
                for name in ("sanic.root", "sanic.error", "sanic.access")
            },
        }
    )
    setup.log_printed_lines("rasa.printed")


def main(argv: Optional[List[str]] = None) -> None:
    """Read the secrets, set up logging and serve until stopped (what `rasa run` does, minus its secrets)."""
    from service_logging import setup

    if setup.json_logs_wanted():
        setup.configure(SERVICE, force_json=True)  # before Rasa is imported: its import-time warnings too
    args = parse(sys.argv[1:] if argv is None else argv)
    from service_secrets.tokens import ACTION_SERVER_TOKEN, RASA_TOKEN

    os.environ[ACTION_SERVER_TOKEN.env] = ACTION_SERVER_TOKEN.get()
    args.jwt_secret = RASA_TOKEN.get()
    args.jwt_method = "HS256"
    args.auth_token = None
    configure_logging(args)

    import rasa.cli.run
    import rasa.utils.tensorflow.environment as tf_env
    from rasa.utils.log_utils import configure_structlog

    tf_env.setup_tf_environment()
    sys.path.insert(1, os.getcwd())  # as `rasa`: custom components are found from the working directory
    configure_structlog(args.loglevel)
    logging.getLogger(__name__).info("Rasa server: HTTP API secured by JWT (no query-string token)")
    rasa.cli.run.run(args)


if __name__ == "__main__":
    main()
