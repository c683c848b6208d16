"""Retention and erasure on real stores: Rasa's own SQL tracker store and the case tables, SQLite and PostgreSQL.

Tracker events are written by Rasa's SQLTrackerStore (so the `events` schema is Rasa's), cases, notes, audit
entries and desk sessions by the project's tables; then the purge or the erasure runs and the test looks at
what a staff member would find left.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from advisor_desk.db import init_db
from advisor_desk.models import DeskSession
from cases.database import make_engine
from cases.models import Advisor, AuditEntry, Case, CaseNote, utcnow
from staff_review.retention import erase_conversation, purge_older_than
from staff_review.tracker_db import tracker_store_section
from tests.postgres_support import temporary_database

ROOT = Path(__file__).resolve().parents[2]
DAY = 24 * 3600.0
OLD, RECENT = 400, 1  # days ago; the retention period in these tests is 365 days


class Stores:
    """A tracker store (through Rasa's class and through an engine) and a case store."""

    def __init__(self, tracker_url: str, cases_url: str) -> None:
        self.tracker_url, self.cases_url = tracker_url, cases_url
        section = {k: v for k, v in tracker_store_section(tracker_url).items() if k != "type"}
        if "url" in section:  # what Rasa does with an endpoints file: its url is the host
            section["host"] = section.pop("url")
        self.rasa = SQLTrackerStore(Domain.empty(), **section)
        self.tracker: Engine = make_engine(tracker_url)
        self.cases: Engine = make_engine(cases_url)
        init_db(self.cases)

    def close(self) -> None:
        self.rasa.engine.dispose()
        self.tracker.dispose()
        self.cases.dispose()

    # --- tracker events, written by Rasa
    def hold_conversation(self, sender_id: str, *days_ago: float) -> None:
        """One user message and one bot reply on each of `days_ago`, in order."""
        now = time.time()
        events: List = []
        for age in days_ago:
            stamp = now - age * DAY
            events += [
                ActionExecuted("action_session_start", timestamp=stamp),
                SessionStarted(timestamp=stamp),
                ActionExecuted("action_listen", timestamp=stamp),
                UserUttered(f"message from {age} days ago", {"name": "ask_start", "confidence": 0.9}, timestamp=stamp),
                BotUttered("an answer", timestamp=stamp + 1),
            ]
        asyncio.run(self.rasa.save(DialogueStateTracker.from_events(sender_id, events)))

    def user_messages(self, sender_id: str) -> List[str]:
        with self.tracker.connect() as conn:
            rows = conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY timestamp"),
                {"s": sender_id},
            ).all()
        return [json.loads(row.data)["text"] for row in rows]

    # --- cases
    def advisor(self) -> int:
        with self.cases.begin() as conn:
            return conn.execute(
                Advisor.__table__.insert().values(
                    username="ann", display_name="Ann", password_hash="x", role="advisor", created_at=utcnow()
                )
            ).inserted_primary_key[0]

    def case(self, conversation_id: str, days_ago: float, status: str = "resolved") -> int:
        at = utcnow() - timedelta(days=days_ago)
        with self.cases.begin() as conn:
            return conn.execute(
                Case.__table__.insert().values(
                    conversation_id=conversation_id, status=status, language="nl", contact="jan@voorbeeld.be",
                    summary="liquiditeitsproblemen", created_at=at, updated_at=at,
                )
            ).inserted_primary_key[0]

    def note(self, case_id: int, advisor_id: int, days_ago: float, words: str) -> None:
        with self.cases.begin() as conn:
            conn.execute(
                CaseNote.__table__.insert().values(
                    case_id=case_id, advisor_id=advisor_id, text=words, created_at=utcnow() - timedelta(days=days_ago)
                )
            )

    def audit(self, case_id: Optional[int], days_ago: float, action: str) -> None:
        with self.cases.begin() as conn:
            conn.execute(
                AuditEntry.__table__.insert().values(
                    case_id=case_id, action=action, detail="", at=utcnow() - timedelta(days=days_ago)
                )
            )

    def session(self, token_hash: str, advisor_id: int, expires_in_days: float) -> None:
        now = utcnow()
        with self.cases.begin() as conn:
            conn.execute(
                DeskSession.__table__.insert().values(
                    token_hash=token_hash, advisor_id=advisor_id, created_at=now - timedelta(days=2),
                    expires_at=now + timedelta(days=expires_in_days),
                )
            )

    def rows(self, table: str, column: str, order: str = "id") -> List:
        with self.cases.connect() as conn:
            return [row[0] for row in conn.execute(text(f"SELECT {column} FROM {table} ORDER BY {order}"))]


@pytest.fixture(params=["sqlite", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            urls = (f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'cases.db'}")
        else:
            urls = (
                stack.enter_context(temporary_database("retention_tracker")),
                stack.enter_context(temporary_database("retention_cases")),
            )
        running = Stores(*urls)
        stack.callback(running.close)
        yield running


def populate(stores: Stores) -> Dict[str, int]:
    """Old, partly old and recent data of every kind; returns the ids the tests look for."""
    stores.hold_conversation("old-conv", OLD, OLD - 2)
    stores.hold_conversation("active-conv", OLD, RECENT)
    stores.hold_conversation("new-conv", RECENT)
    advisor = stores.advisor()
    old_case = stores.case("old-conv", OLD)
    stores.note(old_case, advisor, OLD, "old note")
    stores.audit(old_case, OLD, "case_opened")
    stores.audit(old_case, RECENT, "case_viewed")  # reading an old case does not keep it
    kept_case = stores.case("active-conv", OLD, status="callback")
    stores.note(kept_case, advisor, OLD, "old note on a case still worked on")
    stores.note(kept_case, advisor, RECENT, "called back yesterday")
    new_case = stores.case("new-conv", RECENT, status="waiting")
    stores.note(new_case, advisor, RECENT, "new note")
    stores.audit(new_case, RECENT, "case_opened")
    stores.audit(None, OLD, "login")
    stores.session("expired", advisor, -1)
    stores.session("valid", advisor, 1)
    return {"old_case": old_case, "kept_case": kept_case, "new_case": new_case}


def test_purge_deletes_what_is_older_than_the_retention_period(stores: Stores) -> None:
    ids = populate(stores)

    counts = purge_older_than(365, stores.tracker, stores.cases)

    assert stores.user_messages("old-conv") == []
    assert stores.user_messages("active-conv") == [f"message from {RECENT} days ago"]
    assert stores.user_messages("new-conv") == [f"message from {RECENT} days ago"]
    assert asyncio.run(stores.rasa.retrieve("active-conv")) is not None  # Rasa still reads what stays
    assert stores.rows("cases", "id") == [ids["kept_case"], ids["new_case"]]
    assert stores.rows("case_notes", "text") == ["called back yesterday", "new note"]
    actions = stores.rows("audit_log", "action")
    assert actions == ["case_opened", "retention_purge"]
    assert stores.rows("sessions", "token_hash", order="token_hash") == ["valid"]
    assert counts == {
        "conversations": 1, "events": 15, "cases": 1, "notes": 2, "audit_entries": 3, "sessions": 1,
    }
    # Run again: nothing left to delete, and no audit entry for an empty run.
    assert set(purge_older_than(365, stores.tracker, stores.cases).values()) == {0}
    assert stores.rows("audit_log", "action") == actions


def test_erasure_deletes_one_conversation_and_its_case_and_records_it(stores: Stores) -> None:
    ids = populate(stores)

    counts = erase_conversation("new-conv", stores.tracker, stores.cases)

    assert stores.user_messages("new-conv") == []
    assert asyncio.run(stores.rasa.retrieve("new-conv")) is None  # Rasa finds no such conversation
    assert stores.user_messages("active-conv") == [f"message from {OLD} days ago", f"message from {RECENT} days ago"]
    assert ids["new_case"] not in stores.rows("cases", "id")
    assert "new note" not in stores.rows("case_notes", "text")
    assert counts == {"events": 5, "cases": 1, "notes": 1, "audit_entries": 1, "case_ids": [ids["new_case"]]}
    with stores.cases.connect() as conn:
        audit = AuditEntry.__table__
        erased = conn.execute(select(audit).where(audit.c.action == "conversation_erased")).one()
    assert "new-conv" not in erased.detail and "jan@" not in erased.detail
    assert erased.case_id is None


def run_cli(stores: Stores, *args: str, days: Optional[str] = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_DB_URL": stores.tracker_url, "CASES_DB_URL": stores.cases_url}
    env.pop("RETENTION_DAYS", None)
    if days:
        env["RETENTION_DAYS"] = days
    return subprocess.run(
        [sys.executable, "-m", "staff_review", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_commands_a_scheduler_and_staff_run(stores: Stores) -> None:
    populate(stores)

    refused = run_cli(stores, "erase", "new-conv")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert stores.user_messages("new-conv")

    purged = run_cli(stores, "purge", days="365")
    assert purged.returncode == 0, purged.stderr
    assert "conversations 1" in purged.stdout
    assert stores.user_messages("old-conv") == []

    erased = run_cli(stores, "erase", "new-conv", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert stores.user_messages("new-conv") == []
    assert run_cli(stores, "erase", "new-conv", "--yes").returncode == 1  # nothing left: said so


def test_a_retention_period_below_one_day_is_refused(stores: Stores) -> None:
    with pytest.raises(ValueError):
        purge_older_than(0, stores.tracker, stores.cases)


def test_purge_and_erase_on_empty_stores_do_nothing(tmp_path: Path) -> None:
    """Before the first conversation or the first desk start, the tables do not exist yet."""
    tracker, cases = make_engine(f"sqlite:///{tmp_path / 't.db'}"), make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    assert set(purge_older_than(30, tracker, cases).values()) == {0}
    assert erase_conversation("nobody", tracker, cases)["events"] == 0

