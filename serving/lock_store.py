"""Rasa's lock store on Redis, from one URL (`LOCK_STORE_URL`, e.g. `redis://127.0.0.1:6379/0`).

Several Rasa processes serving the same conversations must take the conversation's lock in one place, or two
messages of one conversation are handled at once and their events interleave or get lost. The store is Rasa's
`RedisLockStore` with its ticket steps made atomic (assistant_components/redis_lock_store.py); it takes the
parts of the URL separately; as with the tracker store, a password is never written
into the endpoints file: the section says `password: ${LOCK_STORE_PASSWORD}`, which Rasa expands from its
environment (`password_environment`).
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional
from urllib.parse import unquote, urlsplit

URL_VARIABLE = "LOCK_STORE_URL"
PASSWORD_VARIABLE = "LOCK_STORE_PASSWORD"
DEFAULT_PORT = 6379
# Rasa's RedisLockStore with atomic ticket steps (Rasa's own lets two processes in at once; see that module)
STORE_CLASS = "assistant_components.redis_lock_store.AtomicRedisLockStore"


def configured_url() -> Optional[str]:
    """`LOCK_STORE_URL` when it is set, else None (Rasa's in-memory lock store: one process only)."""
    return os.environ.get(URL_VARIABLE) or None


def lock_store_section(url: str) -> Dict[str, Any]:
    """The `lock_store` section of Rasa's endpoints file for a Redis URL.

    Args:
        url: `redis://[user[:password]@]host[:port][/db]`, or `rediss://` for TLS.

    Returns:
        The section as a dict, ready for `yaml.safe_dump`.

    Raises:
        ValueError: The URL is not a Redis URL; the message says what is wrong.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"{URL_VARIABLE} must look like redis://host:6379/0, not {url!r}")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise ValueError(f"The Redis database in {URL_VARIABLE} is a number (redis://host:6379/0), not {database!r}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as error:
        raise ValueError(f"The port in {URL_VARIABLE} is not a number: {url!r}") from error
    section: Dict[str, Any] = {"type": STORE_CLASS, "url": parts.hostname, "port": port, "db": int(database)}
    if parts.username:
        section["username"] = unquote(parts.username)
    if parts.password or os.environ.get(PASSWORD_VARIABLE):
        section["password"] = "${%s}" % PASSWORD_VARIABLE
    if parts.scheme == "rediss":
        section["use_ssl"] = True
    return section


def password_environment(url: Optional[str]) -> Dict[str, str]:
    """Environment that lets Rasa expand `${LOCK_STORE_PASSWORD}`: the URL's password, if it has one."""
    password = urlsplit(url).password if url else None
    return {PASSWORD_VARIABLE: unquote(password)} if password else {}
