"""One way to create engines for every SQL store, and one data folder for every SQLite file."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from actions.knowledge.store import engine_from_env as knowledge_engine
from advisor_desk.db import engine_from_env as desk_engine
from advisor_desk.db import init_db as init_desk_db
from cases.database import cases_engine_from_env, init_db, use_write_ahead_log


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASES_DB_URL", raising=False)
    monkeypatch.delenv("KNOWLEDGE_DB_URL", raising=False)
    return tmp_path / "data"


def test_every_sqlite_store_lives_in_var_dir_with_the_same_settings(data_folder: Path) -> None:
    engines = {"cases.db": cases_engine_from_env(), "knowledge.db": knowledge_engine(), "desk": desk_engine()}
    try:
        for name, engine in engines.items():
            expected = data_folder / ("cases.db" if name == "desk" else name)
            assert engine.url.database == str(expected)
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal", name
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1, name
    finally:
        for engine in engines.values():
            engine.dispose()


def test_a_relative_var_dir_is_taken_from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from cases.database import ROOT, data_dir

    monkeypatch.setenv("VAR_DIR", "var")
    assert data_dir() == ROOT / "var"


def test_the_action_server_creates_only_the_case_tables_and_the_desk_adds_its_own(data_folder: Path) -> None:
    engine = cases_engine_from_env()
    try:
        init_db(engine)
        assert set(inspect(engine).get_table_names()) == {"advisors", "cases", "case_notes", "audit_log"}
        init_desk_db(engine)
        assert "sessions" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_new_connection_waits_for_a_writer_while_switching_to_write_ahead_mode(tmp_path):
    """A connection opened while another one writes got "database is locked" from `journal_mode=WAL` (CI, once)."""
    path = tmp_path / "busy.db"
    writer = sqlite3.connect(path, timeout=0.001, isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("INSERT INTO t VALUES (1)")
    outcome = []

    def connect_meanwhile() -> None:
        other = sqlite3.connect(path, timeout=0.001, isolation_level=None)
        try:
            use_write_ahead_log(other.cursor())
            other.execute("INSERT INTO t VALUES (2)")
            outcome.append(other.execute("PRAGMA journal_mode").fetchone()[0])
        except sqlite3.OperationalError as error:
            outcome.append(str(error))
        finally:
            other.close()

    thread = threading.Thread(target=connect_meanwhile)
    thread.start()
    time.sleep(0.3)
    writer.execute("COMMIT")
    thread.join(timeout=20)
    writer.close()
    assert outcome == ["wal"]
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 2


def test_an_in_memory_database_keeps_its_journal_and_the_connection_is_usable():
    """An in-memory database cannot be in write-ahead mode; asking once must be enough (it once looped forever)."""
    connection = sqlite3.connect(":memory:")
    use_write_ahead_log(connection.cursor())
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "memory"
    assert connection.execute("SELECT 1").fetchone()[0] == 1
