"""A throw-away PostgreSQL database for tests that need a whole one.

Rasa's tracker store creates its own `events` table in the default schema, so a table prefix is not enough.

The server is `DESK_TEST_PG_URL` (default postgresql://postgres@127.0.0.1:5432/test), as for the desk's store
tests: tests are skipped where it is not reachable, and fail when `CI` is set.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("DESK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def require_postgres() -> str:
    """The server URL, or skip (fail under CI) when no PostgreSQL answers there."""
    try:
        probe = create_engine(PG_URL)
        with probe.connect():
            pass
        probe.dispose()
    except Exception:  # noqa: BLE001 - any failure means "no server to test against"
        message = f"PostgreSQL not reachable at {PG_URL} (set DESK_TEST_PG_URL)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return PG_URL


@contextmanager
def temporary_database(prefix: str) -> Iterator[str]:
    """Create database `<prefix>_<random>` on the test server; yield its URL; drop it afterwards."""
    server = require_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
