"""Engines for every SQL store of the project, and the case tables.

One place knows how SQLite must be tuned for concurrent use, and where local database files live: the data
folder `VAR_DIR` (default `<repo>/var`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from . import migrations
from .models import CASE_TABLES, Base

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The data folder for local databases and generated files: `VAR_DIR`, else `<repo>/var` (created).

    A relative `VAR_DIR` is taken relative to the repository root, where every service runs.
    """
    folder = Path(os.environ.get("VAR_DIR") or "var")
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sqlite_url(filename: str) -> str:
    """A SQLite URL for `filename` in the data folder: the embedded default of every store.

    Args:
        filename: Name of the database file, e.g. `cases.db`.

    Returns:
        A SQLAlchemy URL such as `sqlite:////repo/var/cases.db`.
    """
    return f"sqlite:///{data_dir() / filename}"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, wait on locks instead of failing and enforce foreign keys.

    The desk and the action server write to the same file, and claims arrive at the same moment, so a
    writer must queue (busy timeout) rather than raise "database is locked".

    Args:
        url: Any SQLAlchemy URL.
        **kwargs: Passed on to `sqlalchemy.create_engine` (`connect_args` are merged for SQLite).

    Returns:
        The engine (SQLAlchemy 2.0 style).
    """
    if url.startswith("sqlite"):
        connect_args = {"timeout": 30, "check_same_thread": False}
        connect_args.update(kwargs.pop("connect_args", {}))
        engine = create_engine(url, connect_args=connect_args, future=True, **kwargs)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, **kwargs)


WAL_RETRY_SECONDS = 10.0


def use_write_ahead_log(cursor: Any, busy_timeout_ms: int = 5000) -> None:
    """Put a new SQLite connection in write-ahead mode, waiting for other writers instead of failing.

    The busy timeout comes first, and the journal mode is only switched when it is not WAL yet: switching
    needs a lock that a connection writing at that moment holds, and SQLite can answer "database is locked"
    at once instead of waiting (six conversations saving at the same time made the tracker store fail so).
    """
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + WAL_RETRY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database stays "memory": asked once
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the desk's polling reads run while a claim or a new case is being written.
    use_write_ahead_log(cursor, busy_timeout_ms=30000)
    cursor.close()


def engine_from_env(variable: str, filename: str) -> Engine:
    """Engine for the URL in the environment variable `variable`, else for `filename` in the data folder.

    Args:
        variable: Name of the environment variable holding a SQLAlchemy URL (e.g. `CASES_DB_URL`).
        filename: SQLite file in the data folder used when the variable is unset.

    Returns:
        A tuned engine (see `make_engine`).
    """
    return make_engine(os.environ.get(variable) or sqlite_url(filename))


def cases_engine_from_env() -> Engine:
    """Engine for `CASES_DB_URL`, or `cases.db` in the data folder for a zero-setup start."""
    return engine_from_env("CASES_DB_URL", "cases.db")


def init_db(engine: Engine) -> None:
    """Create the case tables and their indexes when missing, and upgrade older ones (idempotent, every start)."""
    Base.metadata.create_all(engine, tables=[model.__table__ for model in CASE_TABLES])
    migrations.upgrade(engine)
