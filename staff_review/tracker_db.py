"""PLACEHOLDER (helper PAGE's branch; helper INBOX writes the real module): where Rasa's tracker store lives."""

from __future__ import annotations

import os

from sqlalchemy.engine import Engine

from cases.database import make_engine, sqlite_url

TRACKER_DB_FILE = "rasa_tracker.db"


def tracker_engine_from_env() -> Engine:
    """Engine for the tracker store: `TRACKER_DB_URL` (any SQLAlchemy URL), else `$VAR_DIR/rasa_tracker.db`."""
    return make_engine(os.environ.get("TRACKER_DB_URL") or sqlite_url(TRACKER_DB_FILE))
