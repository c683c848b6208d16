"""Fixtures for the desk tests: real databases, a recording stand-in for Rasa, a live desk server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from advisor_desk import accounts
from advisor_desk.db import init_db
from cases.database import make_engine
from tests.postgres_support import require_postgres

from .support import ADVISORS, Desk, start_desk, stop_desk


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Production-strength argon2 costs ~0.2 s per hash and the tests create dozens of accounts.

    The same code path runs, with cheap parameters; test_desk_store checks the real ones once.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts,
            "_hasher",
            PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
        )
        yield


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return require_postgres()


@pytest.fixture
def sqlite_engine(tmp_path: Any) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cases.db'}")
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """An engine bound to a fresh schema, so parallel test runs never see each other's rows."""
    schema = f"desk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=25)
    init_db(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def new_conversation() -> Callable[[], str]:
    return lambda: f"conv-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One live desk per test module; tests create their own cases so they stay independent."""
    running = start_desk(tmp_path_factory.mktemp("desk"), ADVISORS)
    for username in ADVISORS:
        if username != "olaf":
            running.tokens[username] = running.login(username).json()["token"]
    accounts.set_advisor_active(running.engine, "olaf", False)
    try:
        yield running
    finally:
        stop_desk(running)


@pytest.fixture(autouse=True)
def _rasa_healthy(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that breaks the fake Rasa must not break the next one."""
    yield
    if "desk" in request.fixturenames:
        request.getfixturevalue("desk").rasa.fail_status = None
