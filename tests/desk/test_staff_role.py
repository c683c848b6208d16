"""The staff role: new and existing databases accept it, and old rows survive the upgrade."""

from __future__ import annotations

import uuid
from typing import Any, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from advisor_desk import accounts, manage
from advisor_desk.db import init_db
from cases import store as case_store
from cases.database import make_engine
from cases.migrations import role_check_is_outdated
from cases.models import CASE_TABLES, Advisor, Base

from .support import PASSWORD

# The advisors table exactly as the desk created it before the staff role existed.
OLD_ADVISORS_DDL = """
CREATE TABLE advisors (
    id {id_type} NOT NULL,
    username VARCHAR(80) NOT NULL,
    display_name VARCHAR(200) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(16) NOT NULL,
    active BOOLEAN NOT NULL,
    created_at {time_type} NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_advisors_role CHECK (role IN ('advisor', 'admin')),
    UNIQUE (username)
)
"""


def _make_old_database(engine: Engine) -> None:
    postgres = engine.dialect.name == "postgresql"
    ddl = OLD_ADVISORS_DDL.format(
        id_type="SERIAL" if postgres else "INTEGER",
        time_type="TIMESTAMP WITHOUT TIME ZONE" if postgres else "DATETIME",
    )
    with engine.begin() as conn:
        conn.execute(text(ddl))
    others = [model.__table__ for model in CASE_TABLES if model is not Advisor]
    Base.metadata.create_all(engine, tables=others)
    from advisor_desk.models import DeskSession

    Base.metadata.create_all(engine, tables=[DeskSession.__table__])


@pytest.fixture
def old_sqlite(tmp_path: Any) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _make_old_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def old_postgres(postgres_url: str) -> Iterator[Engine]:
    schema = f"desk_old_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    _make_old_database(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def old_engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue(f"old_{request.param}")


def test_a_new_database_accepts_staff_accounts(engine: Engine) -> None:
    staff = accounts.create_advisor(engine, "sam", PASSWORD, "staff", "Sam Staff")
    assert staff["role"] == "staff"
    assert accounts.verify_login(engine, "sam", PASSWORD)["role"] == "staff"
    with pytest.raises(ValueError, match="role must be one of advisor, staff, admin"):
        accounts.create_advisor(engine, "x", PASSWORD, "owner")


def test_an_old_database_is_upgraded_at_start_and_keeps_its_rows(old_engine: Engine) -> None:
    ann = accounts.create_advisor(old_engine, "ann", PASSWORD, "admin", "Ann")
    with pytest.raises(ValueError):  # the old check refuses the role: the reason for the upgrade
        accounts.create_advisor(old_engine, "sam", PASSWORD, "staff")
    case, _ = case_store.open_or_create_case(old_engine, "conv-old", topic="permits")
    assert case_store.claim_case(old_engine, case["id"], ann["id"])
    token = accounts.create_session(old_engine, ann["id"])
    assert role_check_is_outdated(old_engine)

    init_db(old_engine)  # what the desk and the action server do at every start
    init_db(old_engine)  # and again: idempotent

    assert not role_check_is_outdated(old_engine)
    sam = accounts.create_advisor(old_engine, "sam", PASSWORD, "staff", "Sam Staff")
    assert sam["role"] == "staff" and sam["id"] > ann["id"]
    assert accounts.advisor_for_token(old_engine, token)["username"] == "ann"
    assert case_store.get_case(old_engine, case["id"])["advisor_id"] == ann["id"]
    # still a check: an unknown role is refused by the database
    with pytest.raises(IntegrityError), old_engine.begin() as conn:
        conn.execute(text("UPDATE advisors SET role = 'owner' WHERE username = 'sam'"))
    # foreign keys to advisors still hold
    with pytest.raises(IntegrityError), old_engine.begin() as conn:
        conn.execute(text("UPDATE cases SET advisor_id = 9999 WHERE id = :id"), {"id": case["id"]})


def test_make_advisor_creates_a_staff_account(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASES_DB_URL", f"sqlite:///{tmp_path / 'cases.db'}")
    monkeypatch.setenv("DESK_PASSWORD", PASSWORD)
    assert manage.main(["create-advisor", "--username", "sam", "--role", "staff"]) == 0
    assert "created staff sam" in capsys.readouterr().out
