"""Cases, notes and the audit log in SQL: the one store shared by the desk and the action server.

No web, account or password imports here: the Rasa action server imports this module to open cases.
Every state change is a single conditional UPDATE, so concurrent advisors cannot both win a case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .conversation_ids import is_valid_id, problem_with_id
from .models import (
    CLAIMABLE_STATUSES,
    LANGUAGES,
    OPEN_STATUSES,
    Advisor,
    AuditEntry,
    Case,
    CaseNote,
    utcnow,
)

NEW_CASE_STATUSES = ("waiting", "callback")


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _case_dict(case: Case, advisor: Optional[Advisor]) -> Dict[str, Any]:
    return {
        "id": case.id,
        "conversation_id": case.conversation_id,
        "status": case.status,
        "topic": case.topic,
        "language": case.language,
        "contact_name": case.contact_name,
        "contact": case.contact,
        "summary": case.summary,
        "callback_due": case.callback_due,
        "advisor_id": case.advisor_id,
        "advisor_username": advisor.username if advisor else None,
        "advisor_name": advisor.display_name if advisor else None,
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.updated_at),
        "claimed_at": _iso(case.claimed_at),
        "resolved_at": _iso(case.resolved_at),
    }


def _cases_query() -> Select:
    return select(Case, Advisor).outerjoin(Advisor, Case.advisor_id == Advisor.id)


def _fetch_cases(engine: Engine, query: Select) -> List[Dict[str, Any]]:
    with Session(engine) as session:
        return [_case_dict(case, advisor) for case, advisor in session.execute(query)]


def _fetch_case(engine: Engine, query: Select) -> Optional[Dict[str, Any]]:
    found = _fetch_cases(engine, query.limit(1))
    return found[0] if found else None


def open_case_for_conversation(engine: Engine, conversation_id: str) -> Optional[Dict[str, Any]]:
    """The conversation's waiting, claimed or callback case, if any."""
    return _fetch_case(
        engine,
        _cases_query().where(Case.conversation_id == conversation_id, Case.status.in_(OPEN_STATUSES)),
    )


def open_or_create_case(
    engine: Engine,
    conversation_id: str,
    *,
    topic: Optional[str] = None,
    language: str = "en",
    contact_name: Optional[str] = None,
    contact: Optional[str] = None,
    summary: Optional[str] = None,
    status: str = "waiting",
    callback_due: Optional[str] = None,
) -> Tuple[Dict[str, Any], bool]:
    """Return (case, created). A conversation that already has an open case gets that case back.

    The partial unique index decides races: if a concurrent call inserted first, our insert
    fails and we return the winner's case instead of a second one.
    """
    if not is_valid_id(conversation_id):
        raise ValueError(f"no case for {conversation_id[:40]!r}: {problem_with_id(conversation_id)}")
    if status not in NEW_CASE_STATUSES:
        raise ValueError(f"a new case must have status {' or '.join(NEW_CASE_STATUSES)}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    existing = open_case_for_conversation(engine, conversation_id)
    if existing:
        return existing, False
    now = utcnow()
    case = Case(
        conversation_id=conversation_id,
        status=status,
        topic=topic,
        language=language,
        contact_name=contact_name,
        contact=contact,
        summary=summary,
        callback_due=callback_due,
        created_at=now,
        updated_at=now,
    )
    try:
        with Session(engine) as session, session.begin():
            session.add(case)
            session.flush()
            created = _case_dict(case, None)
    except IntegrityError:
        existing = open_case_for_conversation(engine, conversation_id)
        if existing is None:
            raise
        return existing, False
    return created, True


def get_case(engine: Engine, case_id: int) -> Optional[Dict[str, Any]]:
    """One case by id (with its advisor's name), or None."""
    return _fetch_case(engine, _cases_query().where(Case.id == case_id))


def list_queue(engine: Engine) -> List[Dict[str, Any]]:
    """Cases nobody holds yet (waiting or callback), oldest first so nobody waits longest."""
    return _fetch_cases(
        engine,
        _cases_query().where(Case.status.in_(CLAIMABLE_STATUSES)).order_by(Case.created_at, Case.id),
    )


def list_mine(engine: Engine, advisor_id: int) -> List[Dict[str, Any]]:
    """The cases an advisor holds, in the order they were claimed."""
    return _fetch_cases(
        engine,
        _cases_query()
        .where(Case.status == "claimed", Case.advisor_id == advisor_id)
        .order_by(Case.claimed_at, Case.id),
    )


def _conditional_update(engine: Engine, case_id: int, *conditions: Any, **values: Any) -> bool:
    """Apply `values` only if the case still matches `conditions`; True if this call won."""
    now = utcnow()
    statement = (
        update(Case)
        .where(Case.id == case_id, *conditions)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    with Session(engine) as session, session.begin():
        return session.execute(statement).rowcount == 1


def _equals(column: Any, value: Optional[int]) -> Any:
    """`column = value`, or `column IS NULL` for None (SQL's `= NULL` never matches)."""
    return column.is_(None) if value is None else column == value


def claim_case(engine: Engine, case_id: int, advisor_id: int) -> bool:
    """Take an unassigned case. Of any number of concurrent claims exactly one returns True."""
    return _conditional_update(
        engine,
        case_id,
        Case.status.in_(CLAIMABLE_STATUSES),
        Case.advisor_id.is_(None),
        status="claimed",
        advisor_id=advisor_id,
        claimed_at=utcnow(),
    )


def transfer_case(engine: Engine, case_id: int, to_advisor_id: int, *, expected_advisor_id: Optional[int]) -> bool:
    """Hand an open case to another advisor, only if it is still held by `expected_advisor_id`.

    The expected holder (None = unassigned) makes this a compare-and-swap: a transfer based
    on a stale view of the case fails instead of silently overriding someone else's action.
    """
    return _conditional_update(
        engine,
        case_id,
        Case.status.in_(OPEN_STATUSES),
        _equals(Case.advisor_id, expected_advisor_id),
        status="claimed",
        advisor_id=to_advisor_id,
        claimed_at=utcnow(),
    )


def resolve_case(engine: Engine, case_id: int, *, expected_advisor_id: Optional[int]) -> bool:
    """Close an open case still held by `expected_advisor_id`; False if it changed meanwhile."""
    return _conditional_update(
        engine,
        case_id,
        Case.status.in_(OPEN_STATUSES),
        _equals(Case.advisor_id, expected_advisor_id),
        status="resolved",
        resolved_at=utcnow(),
    )


def add_note(engine: Engine, case_id: int, advisor_id: int, text: str) -> Dict[str, Any]:
    """Add an advisor's note to a case; returns the note with the advisor's name."""
    with Session(engine) as session, session.begin():
        note = CaseNote(case_id=case_id, advisor_id=advisor_id, text=text, created_at=utcnow())
        session.add(note)
        session.flush()
        advisor = session.get(Advisor, advisor_id)
        return _note_dict(note, advisor)


def _note_dict(note: CaseNote, advisor: Optional[Advisor]) -> Dict[str, Any]:
    return {
        "id": note.id,
        "case_id": note.case_id,
        "advisor_id": note.advisor_id,
        "advisor_name": advisor.display_name if advisor else None,
        "text": note.text,
        "created_at": _iso(note.created_at),
    }


def list_notes(engine: Engine, case_id: int) -> List[Dict[str, Any]]:
    """A case's notes, oldest first."""
    query = (
        select(CaseNote, Advisor)
        .outerjoin(Advisor, CaseNote.advisor_id == Advisor.id)
        .where(CaseNote.case_id == case_id)
        .order_by(CaseNote.created_at, CaseNote.id)
    )
    with Session(engine) as session:
        return [_note_dict(note, advisor) for note, advisor in session.execute(query)]


def audit(
    engine: Engine,
    advisor_id: Optional[int],
    case_id: Optional[int],
    action: str,
    detail: str = "",
    *,
    unless_within: Optional[timedelta] = None,
) -> bool:
    """Record who did what to which case; returns False if skipped as a repeat.

    `unless_within` keeps polled reads (the transcript refreshes every few seconds) from
    flooding the log: one entry per advisor, case and action in that window is enough.
    """
    now = utcnow()
    with Session(engine) as session, session.begin():
        if unless_within is not None:
            recent = session.scalars(
                select(AuditEntry.id)
                .where(
                    _equals(AuditEntry.advisor_id, advisor_id),
                    AuditEntry.case_id == case_id,
                    AuditEntry.action == action,
                    AuditEntry.at > now - unless_within,
                )
                .limit(1)
            ).first()
            if recent is not None:
                return False
        session.add(
            AuditEntry(
                at=now,
                advisor_id=advisor_id,
                case_id=case_id,
                action=action,
                detail=detail,
            )
        )
    return True


def list_audit(engine: Engine, case_id: Optional[int] = None, *, limit: int = 500) -> List[Dict[str, Any]]:
    """Audit entries, newest first; all of them, or those of one case."""
    query = (
        select(AuditEntry, Advisor)
        .outerjoin(Advisor, AuditEntry.advisor_id == Advisor.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    with Session(engine) as session:
        return [
            {
                "id": entry.id,
                "at": _iso(entry.at),
                "advisor_id": entry.advisor_id,
                "advisor_username": advisor.username if advisor else None,
                "case_id": entry.case_id,
                "action": entry.action,
                "detail": entry.detail,
            }
            for entry, advisor in session.execute(query)
        ]
