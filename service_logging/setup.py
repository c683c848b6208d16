"""Logging set-up shared by the services: JSON lines in production, the usual text lines otherwise.

Production is APP_MODE=production or LOG_FORMAT=json. Then every record becomes one JSON object on stderr,
`{"time", "level", "logger", "message", "service", "conversation_id"?, "exception"?}`, which log collectors
(Kubernetes, journald, Loki...) parse without patterns. What users type never belongs in a log line at INFO;
as a second line of defence, every message and traceback goes through `staff_review.redact` first, so an
e-mail address, phone number, IBAN or national number that slips into one is replaced by a placeholder, and
a message that still looks personal is withheld.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import sys
from typing import Any, Dict, Optional

from staff_review.redact import redact

from .context import current_conversation

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
WITHHELD = "[log message withheld: it looked like personal data]"


def production_mode() -> bool:
    """Whether this process runs in production mode (APP_MODE=production)."""
    return os.environ.get("APP_MODE", "").lower() == "production"


def json_logs_wanted() -> bool:
    """Whether this process runs in production mode or was asked for JSON logs (LOG_FORMAT=json)."""
    return production_mode() or os.environ.get("LOG_FORMAT", "").lower() == "json"


def redacted(text: str) -> str:
    """`text` with personal data replaced by placeholders, or a notice when it still looks personal."""
    result = redact(text)
    return WITHHELD if result.withheld else result.text


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message, service, conversation id."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON, its message and traceback redacted."""
        line: Dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redacted(record.getMessage()),
            "service": self.service,
        }
        conversation_id = getattr(record, "conversation_id", None) or current_conversation()
        if conversation_id:
            line["conversation_id"] = conversation_id
        if record.exc_info:
            line["exception"] = redacted(self.formatException(record.exc_info))
        elif record.stack_info:
            line["exception"] = redacted(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def json_handler(service: str) -> logging.Handler:
    """A handler that writes JSON lines to this process's standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    return handler


class _PrintedLines(io.TextIOBase):
    """A stdout stand-in that logs each printed line (frameworks print banners and notices with print())."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            plain = ANSI_ESCAPE.sub("", line).strip()
            if plain:
                self._logger.info(plain)
        return len(text)


def log_printed_lines(logger_name: str) -> None:
    """Turn what this process prints to stdout into log records of `logger_name` (JSON mode only)."""
    sys.stdout = _PrintedLines(logging.getLogger(logger_name))


def configure(service: str, level: int = logging.INFO, force_json: Optional[bool] = None) -> bool:
    """Set up the root logger of this process; True when it logs JSON.

    Replaces whatever handlers the framework installed (Rasa's coloured ones, say), so every library's
    records leave through the one handler. In text mode it is `logging.basicConfig`'s usual format.

    Args:
        service: The service's name, in every JSON line (e.g. `advisor_desk`).
        level: The root level.
        force_json: JSON or not regardless of the environment (None: ask `json_logs_wanted`).
    """
    as_json = json_logs_wanted() if force_json is None else force_json
    if as_json:
        handler = json_handler(service)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    if as_json:
        # Loggers that brought their own handlers (or stopped propagating, as Sanic's) would still write
        # plain lines, or none: route every one through the root.
        for logger in list(logging.root.manager.loggerDict.values()):
            if isinstance(logger, logging.Logger):
                for old in list(logger.handlers):
                    logger.removeHandler(old)
                logger.propagate = True
        logging.captureWarnings(True)
    return as_json
