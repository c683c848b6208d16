"""The knowledge store in SQL (SQLite by default, any SQLAlchemy URL via KNOWLEDGE_DB_URL).

The YAML files are the source of truth that staff edit; the store is what the running assistant reads, so
other tools (staff pages, reports) can query the same entries without parsing files.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterator, List, Optional

from sqlalchemy import Column, Date, MetaData, String, Table, Text, delete, insert, select, text
from sqlalchemy.engine import Connection, Engine

from cases.database import engine_from_env as _engine_from_env

from .entry import Entry

metadata = MetaData()
entries_table = Table(
    "knowledge_entries",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("topic", String(30), nullable=False, index=True),
    Column("type", String(30), nullable=False),
    Column("source_url", Text, nullable=False),
    Column("reviewed", Date, nullable=False),
    Column("document", Text, nullable=False),
)


# Key of the PostgreSQL advisory lock that lets one process at a time create or reload the store.
RELOAD_LOCK_KEY = 48_151_623


def engine_from_env() -> Engine:
    """Engine for KNOWLEDGE_DB_URL, or the embedded SQLite file knowledge.db in the data folder (VAR_DIR)."""
    return _engine_from_env("KNOWLEDGE_DB_URL", "knowledge.db")


class KnowledgeStore:
    """Entries persisted in one table; replaced as a whole when the files are reloaded."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with _one_writer_at_a_time(engine) as conn:
            metadata.create_all(conn)

    def replace_all(self, entries: List[Entry]) -> None:
        """Swap the stored entries for `entries` in one transaction (readers never see half a reload)."""
        rows = [
            {
                "id": e.id,
                "topic": e.topic,
                "type": e.type,
                "source_url": e.source_url,
                "reviewed": e.reviewed,
                "document": json.dumps(e.to_dict(), ensure_ascii=False),
            }
            for e in entries
        ]
        with _one_writer_at_a_time(self.engine) as conn:
            conn.execute(delete(entries_table))
            if rows:
                conn.execute(insert(entries_table), rows)

    def all(self) -> List[Entry]:
        """Every stored entry, in a stable order."""
        with self.engine.connect() as conn:
            docs = conn.execute(select(entries_table.c.document).order_by(entries_table.c.id)).scalars()
            return [Entry.from_dict(json.loads(d)) for d in docs]

    def get(self, entry_id: str) -> Optional[Entry]:
        """One entry by id, or None."""
        with self.engine.connect() as conn:
            doc = conn.execute(
                select(entries_table.c.document).where(entries_table.c.id == entry_id)
            ).scalar_one_or_none()
        return Entry.from_dict(json.loads(doc)) if doc else None


@contextmanager
def _one_writer_at_a_time(engine: Engine) -> Iterator[Connection]:
    """A transaction that, on PostgreSQL, waits until no other process is creating or reloading the store.

    Several action-server workers (production mode) load the files at the same moment: without the lock two
    reloads both delete the old rows and then insert the same ids, and one fails on the primary key (or two
    CREATE TABLE collide). SQLite lets one writer at a time in anyway.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RELOAD_LOCK_KEY})
        yield conn
