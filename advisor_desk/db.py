"""Engine creation: one place that knows how SQLite must be tuned for concurrent use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from .models import Base

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "cases.db"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, wait on locks instead of failing and enforce foreign keys.

    The desk and the action server write to the same file, and claims arrive at the same
    moment, so a writer must queue (busy timeout) rather than raise "database is locked".
    """
    if url.startswith("sqlite"):
        connect_args = {"timeout": 30, "check_same_thread": False}
        connect_args.update(kwargs.pop("connect_args", {}))
        engine = create_engine(url, connect_args=connect_args, future=True, **kwargs)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, **kwargs)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the desk's polling reads run while a claim or a new case is being written.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def engine_from_env() -> Engine:
    """Engine for `CASES_DB_URL`, or a SQLite file under <repo>/var/ for a zero-setup start."""
    url = os.environ.get("CASES_DB_URL")
    if not url:
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    return make_engine(url)


def init_db(engine: Engine) -> None:
    """Create missing tables and indexes (idempotent, safe at every start)."""
    Base.metadata.create_all(engine)
