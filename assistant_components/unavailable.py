"""Which failures mean "a service the assistant needs is down for a moment", and what the user is told then.

The channels (rest_channel, socketio_channel) catch these while handling a message and answer politely
("temporarily unavailable, please try again") instead of staying silent or leaking an error: the tracker store's
database (SQLAlchemy connection errors, or `TrackerStoreUnavailable` raised by tracker_store.fail_loudly), and the
lock store (Redis connection errors, which Rasa reports as `LockError`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Text, Tuple, Type

import yaml
from rasa.core.lock_store import LockError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


class TrackerStoreUnavailable(Exception):
    """The conversation database cannot be read or written right now (see tracker_store.fail_loudly)."""


MESSAGES_FILE = Path(__file__).with_name("unavailable_messages.yml")
# A database or Redis that does not answer; not a bug in a query (those stay errors).
CONNECTION_ERRORS = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
    LockError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
)
UNAVAILABLE = (TrackerStoreUnavailable, *CONNECTION_ERRORS)
MAX_CHAIN = 10  # how far to follow `raise ... from` / "during handling" links


def is_unavailable(error: BaseException, kinds: Tuple[Type[BaseException], ...] = UNAVAILABLE) -> bool:
    """Whether `error`, or an error it was raised from, says a service is unreachable (not a bug)."""
    seen: Optional[BaseException] = error
    for _ in range(MAX_CHAIN):
        if seen is None:
            return False
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_connection_error(error: BaseException) -> bool:
    """Whether `error` (or its cause) is a database or Redis connection failure."""
    return is_unavailable(error, CONNECTION_ERRORS)


@lru_cache(maxsize=1)
def _messages() -> Dict[Text, Text]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        return {key: " ".join(str(text).split()) for key, text in yaml.safe_load(handle).items()}


def unavailable_message(metadata: Any = None) -> Text:
    """The apology in the language the message's metadata names (`language`: en/nl), else in both."""
    language = metadata.get("language") if isinstance(metadata, dict) else None
    messages = _messages()
    return messages.get(language, messages["both"]) if isinstance(language, str) else messages["both"]
