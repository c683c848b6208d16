"""The case store against real SQLite files and PostgreSQL: dedupe, claim races, lifecycle, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, List

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from advisor_desk import accounts
from advisor_desk.models import DeskSession
from cases import store as case_store
from cases.models import Advisor, Case

from .support import run_at_once

PASSWORD = "a long enough password"


def make_advisors(engine: Any, count: int) -> List[int]:
    return [accounts.create_advisor(engine, f"advisor{i}", PASSWORD, "advisor")["id"] for i in range(count)]


def test_login_accepts_only_the_right_password_of_an_active_advisor(
    engine: Any,
) -> None:
    created = accounts.create_advisor(engine, "anna", PASSWORD, "admin", "Anna Peeters")
    assert created["role"] == "admin" and created["display_name"] == "Anna Peeters"
    assert "password_hash" not in created

    advisor = accounts.verify_login(engine, "anna", PASSWORD)
    assert advisor is not None and advisor["id"] == created["id"]
    assert accounts.verify_login(engine, "anna", PASSWORD + "x") is None
    assert accounts.verify_login(engine, "nobody", PASSWORD) is None

    accounts.set_advisor_active(engine, "anna", False)
    assert accounts.verify_login(engine, "anna", PASSWORD) is None


def test_production_hashing_is_argon2id_at_default_strength(
    sqlite_engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher())
    accounts.create_advisor(sqlite_engine, "anna", PASSWORD)
    with Session(sqlite_engine) as session:
        (stored,) = session.scalars(select(Advisor.password_hash)).all()
    assert stored.startswith("$argon2id$") and "m=65536,t=3" in stored
    assert PASSWORD not in stored
    assert accounts.verify_login(sqlite_engine, "anna", PASSWORD) is not None


def test_usernames_are_unique_and_roles_checked(engine: Any) -> None:
    accounts.create_advisor(engine, "anna", PASSWORD)
    with pytest.raises(ValueError, match="taken"):
        accounts.create_advisor(engine, "anna", "another password")
    with pytest.raises(ValueError, match="role"):
        accounts.create_advisor(engine, "ben", PASSWORD, "superuser")


def test_session_tokens_are_stored_hashed_and_expire(engine: Any) -> None:
    advisor_id = accounts.create_advisor(engine, "anna", PASSWORD)["id"]
    token = accounts.create_session(engine, advisor_id)
    assert accounts.advisor_for_token(engine, token)["username"] == "anna"
    with Session(engine) as session:
        stored = session.scalars(select(DeskSession.token_hash)).all()
    assert token not in stored and len(stored) == 1

    expired = accounts.create_session(engine, advisor_id, ttl=timedelta(seconds=-1))
    assert accounts.advisor_for_token(engine, expired) is None
    assert accounts.advisor_for_token(engine, "made-up-token") is None

    accounts.delete_session(engine, token)
    assert accounts.advisor_for_token(engine, token) is None


def test_same_conversation_twice_gives_one_case(engine: Any, new_conversation: Any) -> None:
    conversation = new_conversation()
    first, created_first = case_store.open_or_create_case(
        engine,
        conversation,
        topic="permits",
        language="nl",
        summary="Omgevingsvergunning",
    )
    second, created_second = case_store.open_or_create_case(engine, conversation, topic="financing", language="en")
    assert (created_first, created_second) == (True, False)
    assert second["id"] == first["id"] and second["topic"] == "permits"
    assert [c["id"] for c in case_store.list_queue(engine)] == [first["id"]]
    assert case_store.open_case_for_conversation(engine, conversation)["id"] == first["id"]


@pytest.mark.parametrize("conversation", ["x/../victim", "a b", "", "x" * 129])
def test_no_case_for_an_invalid_conversation_id(sqlite_engine: Any, conversation: str) -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        case_store.open_or_create_case(sqlite_engine, conversation)
    assert case_store.list_queue(sqlite_engine) == []


def test_concurrent_handoffs_of_one_conversation_create_one_case(engine: Any, new_conversation: Any) -> None:
    conversation = new_conversation()
    results = run_at_once(
        10,
        lambda _i: case_store.open_or_create_case(engine, conversation, topic="starting"),
    )
    assert sum(created for _case, created in results) == 1
    assert len({case["id"] for case, _created in results}) == 1


def test_database_itself_refuses_a_second_open_case(engine: Any, new_conversation: Any) -> None:
    conversation = new_conversation()
    case_store.open_or_create_case(engine, conversation)
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(Case(conversation_id=conversation, status="callback", language="en"))


def test_resolved_case_allows_a_new_one_for_the_same_conversation(engine: Any, new_conversation: Any) -> None:
    conversation = new_conversation()
    first, _ = case_store.open_or_create_case(engine, conversation)
    assert case_store.resolve_case(engine, first["id"], expected_advisor_id=None)
    second, created = case_store.open_or_create_case(engine, conversation)
    assert created and second["id"] != first["id"]


def test_twenty_simultaneous_claims_have_exactly_one_winner(engine: Any, new_conversation: Any) -> None:
    advisor_ids = make_advisors(engine, 20)
    case, _ = case_store.open_or_create_case(engine, new_conversation())
    results = run_at_once(20, lambda i: case_store.claim_case(engine, case["id"], advisor_ids[i]))
    assert results.count(True) == 1
    winner = advisor_ids[results.index(True)]
    claimed = case_store.get_case(engine, case["id"])
    assert claimed["status"] == "claimed" and claimed["advisor_id"] == winner
    assert claimed["claimed_at"] is not None
    assert case_store.list_queue(engine) == []
    assert [c["id"] for c in case_store.list_mine(engine, winner)] == [case["id"]]


def test_queue_is_oldest_first_and_holds_waiting_and_callback_only(engine: Any, new_conversation: Any) -> None:
    (advisor_id,) = make_advisors(engine, 1)
    waiting, _ = case_store.open_or_create_case(engine, new_conversation())
    callback, _ = case_store.open_or_create_case(
        engine, new_conversation(), status="callback", callback_due="2025-01-06 10:00"
    )
    claimed, _ = case_store.open_or_create_case(engine, new_conversation())
    case_store.claim_case(engine, claimed["id"], advisor_id)

    queue = case_store.list_queue(engine)
    assert [c["id"] for c in queue] == [waiting["id"], callback["id"]]
    assert queue[1]["callback_due"] == "2025-01-06 10:00"
    assert case_store.claim_case(engine, callback["id"], advisor_id)


def test_new_cases_reject_unknown_status_or_language(engine: Any, new_conversation: Any) -> None:
    with pytest.raises(ValueError, match="status"):
        case_store.open_or_create_case(engine, new_conversation(), status="claimed")
    with pytest.raises(ValueError, match="language"):
        case_store.open_or_create_case(engine, new_conversation(), language="fr")


def test_transfer_only_from_the_expected_holder(engine: Any, new_conversation: Any) -> None:
    anna, ben, carl = make_advisors(engine, 3)
    case, _ = case_store.open_or_create_case(engine, new_conversation())
    case_store.claim_case(engine, case["id"], anna)

    assert not case_store.transfer_case(engine, case["id"], carl, expected_advisor_id=ben)
    assert case_store.get_case(engine, case["id"])["advisor_id"] == anna
    assert case_store.transfer_case(engine, case["id"], ben, expected_advisor_id=anna)
    moved = case_store.get_case(engine, case["id"])
    assert moved["advisor_id"] == ben and moved["status"] == "claimed"
    assert case_store.list_mine(engine, anna) == []


def test_resolve_closes_the_case_once(engine: Any, new_conversation: Any) -> None:
    (anna,) = make_advisors(engine, 1)
    case, _ = case_store.open_or_create_case(engine, new_conversation())
    case_store.claim_case(engine, case["id"], anna)

    assert case_store.resolve_case(engine, case["id"], expected_advisor_id=anna)
    resolved = case_store.get_case(engine, case["id"])
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert not case_store.resolve_case(engine, case["id"], expected_advisor_id=anna)
    assert not case_store.claim_case(engine, case["id"], anna)
    assert case_store.list_mine(engine, anna) == []
    assert case_store.open_case_for_conversation(engine, case["conversation_id"]) is None


def test_notes_and_audit_are_kept_per_case(engine: Any, new_conversation: Any) -> None:
    (anna,) = make_advisors(engine, 1)
    case, _ = case_store.open_or_create_case(engine, new_conversation())
    other, _ = case_store.open_or_create_case(engine, new_conversation())

    case_store.add_note(engine, case["id"], anna, "Called back, needs a KBO number first.")
    assert [n["text"] for n in case_store.list_notes(engine, case["id"])] == ["Called back, needs a KBO number first."]
    assert case_store.list_notes(engine, other["id"]) == []

    case_store.audit(engine, anna, case["id"], "claim")
    case_store.audit(engine, anna, case["id"], "reply", "12 characters")
    case_store.audit(engine, anna, other["id"], "read")
    entries = case_store.list_audit(engine, case["id"])
    assert [e["action"] for e in entries] == ["reply", "claim"]
    assert entries[0]["advisor_username"] == "advisor0" and entries[0]["detail"] == "12 characters"
    assert len(case_store.list_audit(engine)) == 3


def test_repeated_reads_are_audited_once_per_window(engine: Any, new_conversation: Any) -> None:
    (anna,) = make_advisors(engine, 1)
    case, _ = case_store.open_or_create_case(engine, new_conversation())
    window = timedelta(minutes=5)
    assert case_store.audit(engine, anna, case["id"], "read", unless_within=window)
    assert not case_store.audit(engine, anna, case["id"], "read", unless_within=window)
    assert case_store.audit(engine, anna, case["id"], "read_transcript", unless_within=window)
    assert [e["action"] for e in case_store.list_audit(engine, case["id"])] == [
        "read_transcript",
        "read",
    ]
