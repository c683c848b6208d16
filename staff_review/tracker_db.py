"""Where Rasa's SQL tracker store lives, for the staff tools that read the conversations."""

from __future__ import annotations

import os

from sqlalchemy.engine import Engine

from cases.database import make_engine, sqlite_url

TRACKER_DB_FILE = "rasa_tracker.db"


def tracker_engine_from_env() -> Engine:
    """Engine for the tracker store: `TRACKER_DB_URL` (any SQLAlchemy URL), else `$VAR_DIR/rasa_tracker.db`.

    The default is the SQLite file that `endpoints.yml` points Rasa at, so the staff tools read the same
    conversations the server wrote without any configuration.
    """
    return make_engine(os.environ.get("TRACKER_DB_URL") or sqlite_url(TRACKER_DB_FILE))
