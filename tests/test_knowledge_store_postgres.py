"""Several action-server workers load the knowledge files into one PostgreSQL store at the same moment.

Production mode runs the action server with several workers, each building the knowledge base when it starts:
every load must succeed and leave the store holding each entry once.
"""

from __future__ import annotations

import threading
from typing import List

from sqlalchemy import func, select

from actions.knowledge.base import KNOWLEDGE_DIR
from actions.knowledge.loader import load_entries
from actions.knowledge.store import KnowledgeStore, entries_table
from cases.database import make_engine
from tests.postgres_support import temporary_database
from tests.threads import run_in_threads

WORKERS = 4
ROUNDS = 5


def test_concurrent_loads_into_a_new_postgresql_store_all_succeed():
    entries = load_entries(KNOWLEDGE_DIR)
    with temporary_database("knowledge_load") as url:
        engine = make_engine(url)
        failures: List[BaseException] = []
        start = threading.Barrier(WORKERS)

        def worker() -> None:
            try:
                start.wait()
                for _ in range(ROUNDS):
                    KnowledgeStore(engine).replace_all(entries)
            except BaseException as error:  # noqa: BLE001 - reported below with the others
                failures.append(error)

        run_in_threads(worker, WORKERS)
        try:
            assert not failures, failures[:2]
            with engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(entries_table)).scalar()
            assert stored == len(entries) == len({e.id for e in entries})
            assert [e.id for e in KnowledgeStore(engine).all()] == sorted(e.id for e in entries)
        finally:
            engine.dispose()
