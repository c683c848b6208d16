"""Where Rasa keeps the conversations: one reading of `TRACKER_DB_URL` for the Rasa server and the staff tools.

The tracker store is Rasa's SQL tracker store: a SQLite file `$VAR_DIR/rasa_tracker.db` by default, or the
database in `TRACKER_DB_URL` (any SQLAlchemy URL, e.g. `postgresql://postgres@127.0.0.1:5432/test`).
`scripts/run_stack.py` turns that URL into the `tracker_store` section of the endpoints file Rasa starts with,
and the staff tools open the same database through `tracker_engine_from_env`, so both always agree.

A password is never written into the endpoints file: the section says `password: ${TRACKER_DB_PASSWORD}`,
which Rasa expands from the environment of the process it runs in.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

from sqlalchemy.engine import Engine, make_url

from cases.database import make_engine, sqlite_url

URL_VARIABLE = "TRACKER_DB_URL"
PASSWORD_VARIABLE = "TRACKER_DB_PASSWORD"
SQLITE_FILE = "rasa_tracker.db"
# Rasa's SQL tracker store off the event loop, SQLite in WAL mode, server connections checked before use
STORE_TYPE = "assistant_components.tracker_store.ConversationStore"


def configured_url() -> Optional[str]:
    """`TRACKER_DB_URL` when it is set, else None (the SQLite file in the data folder is used)."""
    return os.environ.get(URL_VARIABLE) or None


def tracker_db_url() -> str:
    """The SQLAlchemy URL of the tracker store, with the password from `TRACKER_DB_PASSWORD` if the URL has none.

    Returns:
        `TRACKER_DB_URL`, else `sqlite:///$VAR_DIR/rasa_tracker.db`.
    """
    url = configured_url()
    if url is None:
        return sqlite_url(SQLITE_FILE)
    password = os.environ.get(PASSWORD_VARIABLE)
    parsed = make_url(url)
    if password and not parsed.password:
        return parsed.set(password=password).render_as_string(hide_password=False)
    return url


def tracker_engine_from_env() -> Engine:
    """Engine on the Rasa tracker store (table `events`) that the running Rasa server writes to."""
    return make_engine(tracker_db_url())


def tracker_store_section(url: str) -> Dict[str, Any]:
    """The `tracker_store` section of Rasa's endpoints file for a SQLAlchemy URL.

    Rasa 3.6's SQLTrackerStore (here its subclass `STORE_TYPE`) takes the parts of
    the URL separately (dialect, host, port, db, username, password, query); in the endpoints file the host is
    called `url` (Rasa passes the endpoint's `url` on as `host`). The password is left as
    `${TRACKER_DB_PASSWORD}`; see `password_environment`.

    Args:
        url: A SQLAlchemy URL, e.g. `postgresql://postgres@127.0.0.1:5432/test` or `sqlite:////tmp/t.db`.

    Returns:
        The section as a dict, ready for `yaml.safe_dump`.
    """
    parsed = make_url(url)
    section: Dict[str, Any] = {"type": STORE_TYPE, "dialect": parsed.drivername, "db": parsed.database}
    if parsed.get_backend_name() == "sqlite":
        return section
    for key, value in (("url", parsed.host), ("port", parsed.port), ("username", parsed.username)):
        if value is not None:
            section[key] = value
    if parsed.password or os.environ.get(PASSWORD_VARIABLE):
        section["password"] = "${%s}" % PASSWORD_VARIABLE
    if parsed.query:
        section["query"] = dict(parsed.query)
    return section


def password_environment(url: Optional[str]) -> Dict[str, str]:
    """Environment that lets Rasa expand `${TRACKER_DB_PASSWORD}`: the URL's password, if it has one."""
    password = make_url(url).password if url else None
    return {PASSWORD_VARIABLE: str(password)} if password else {}
