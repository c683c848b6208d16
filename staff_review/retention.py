"""Retention and erasure: personal data is kept only as long as the configured number of days.

`purge_older_than` is what a scheduler runs (`make purge`): it deletes

- tracker events older than the cutoff. A conversation whose last event is older goes entirely; a conversation
  still going on loses its old events only (whatever was said more than N days ago is gone in any case).
- cases whose last activity (last update or last note) is older, with their notes and audit entries; notes and
  audit entries older than the cutoff of cases that stay.
- expired advisor-desk login sessions.

`erase_conversation` is the right to erasure: one conversation's events, its cases, their notes and audit
entries, followed by one audit entry saying that an erasure happened and how much was deleted (counts and case
numbers only, never the conversation id or any text).

Both work on any SQLAlchemy engine (SQLite or PostgreSQL) and skip tables that do not exist yet (no
conversation held, desk never started). The desk's session table is addressed by name, so this package does
not import the desk.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import and_, column, delete, exists, func, inspect, select, table
from sqlalchemy.engine import Connection, Engine

from cases.models import UTC, AuditEntry, Case, CaseNote, utcnow

EVENTS = table("events", column("sender_id"), column("timestamp"))
SESSIONS = table("sessions", column("expires_at"))
CASES = Case.__table__
NOTES = CaseNote.__table__
AUDIT = AuditEntry.__table__


def _has_table(engine: Engine, name: str) -> bool:
    return inspect(engine).has_table(name)


def _epoch(moment: datetime) -> float:
    """Epoch seconds of a naive UTC time (Rasa stores event timestamps as epoch floats)."""
    return moment.replace(tzinfo=UTC).timestamp()


def purge_older_than(
    days: int, tracker_engine: Engine, cases_engine: Engine, now: Optional[datetime] = None
) -> Dict[str, int]:
    """Delete conversations, cases, notes and audit entries older than `days`, and expired desk sessions.

    Args:
        days: Retention period in days (at least 1).
        tracker_engine: Rasa's tracker store (table `events`).
        cases_engine: The case store (cases, notes, audit log, desk sessions).
        now: The present, naive UTC (tests pass a fixed time).

    Returns:
        Counts: conversations, events, cases, notes, audit_entries, sessions.

    Raises:
        ValueError: When `days` is below 1 (that would delete everything, including today's conversations).
    """
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    counts = {"conversations": 0, "events": 0, "cases": 0, "notes": 0, "audit_entries": 0, "sessions": 0}
    if _has_table(tracker_engine, "events"):
        counts.update(_purge_events(tracker_engine, _epoch(cutoff)))
    if _has_table(cases_engine, "cases"):
        counts.update(_purge_cases(cases_engine, cutoff))
    if _has_table(cases_engine, "sessions"):
        with cases_engine.begin() as conn:
            counts["sessions"] = conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now)).rowcount
    if any(counts.values()) and _has_table(cases_engine, "audit_log"):
        detail = f"retention {days} days: " + ", ".join(f"{key} {value}" for key, value in counts.items())
        _audit(cases_engine, "retention_purge", detail, None)
    return counts


def _purge_events(engine: Engine, cutoff: float) -> Dict[str, int]:
    with engine.begin() as conn:
        last_event = func.max(EVENTS.c.timestamp)
        finished = conn.execute(
            select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(last_event < cutoff)
        ).all()
        events = conn.execute(delete(EVENTS).where(EVENTS.c.timestamp < cutoff)).rowcount
    return {"conversations": len(finished), "events": events}


def _purge_cases(engine: Engine, cutoff: datetime) -> Dict[str, int]:
    recent_note = exists().where(and_(NOTES.c.case_id == CASES.c.id, NOTES.c.created_at >= cutoff))
    with engine.begin() as conn:
        old_cases = [
            row.id for row in conn.execute(select(CASES.c.id).where(CASES.c.updated_at < cutoff, ~recent_note))
        ]
        counts = _delete_cases(conn, old_cases)
        counts["notes"] += conn.execute(delete(NOTES).where(NOTES.c.created_at < cutoff)).rowcount
        counts["audit_entries"] += conn.execute(delete(AUDIT).where(AUDIT.c.at < cutoff)).rowcount
    return counts


def _delete_cases(conn: Connection, case_ids: List[int]) -> Dict[str, int]:
    """Delete cases with their notes and audit entries (children first: the foreign keys are enforced)."""
    if not case_ids:
        return {"cases": 0, "notes": 0, "audit_entries": 0}
    notes = conn.execute(delete(NOTES).where(NOTES.c.case_id.in_(case_ids))).rowcount
    audit = conn.execute(delete(AUDIT).where(AUDIT.c.case_id.in_(case_ids))).rowcount
    cases = conn.execute(delete(CASES).where(CASES.c.id.in_(case_ids))).rowcount
    return {"cases": cases, "notes": notes, "audit_entries": audit}


def _audit(engine: Engine, action: str, detail: str, advisor_id: Optional[int]) -> None:
    with engine.begin() as conn:
        values = {"at": utcnow(), "advisor_id": advisor_id, "case_id": None, "action": action, "detail": detail}
        conn.execute(AUDIT.insert().values(**values))


def erase_conversation(
    sender_id: str, tracker_engine: Engine, cases_engine: Engine, advisor_id: Optional[int] = None
) -> Dict[str, Any]:
    """Delete one conversation and its case(s) on request, and record that it happened.

    Args:
        sender_id: The conversation id (Rasa's sender id; the case's `conversation_id`).
        tracker_engine: Rasa's tracker store.
        cases_engine: The case store.
        advisor_id: The staff member who erased it, if known (the command line has no account).

    Returns:
        Counts (events, cases, notes, audit_entries) and the erased case numbers (`case_ids`).
    """
    counts: Dict[str, Any] = {"events": 0, "cases": 0, "notes": 0, "audit_entries": 0, "case_ids": []}
    if _has_table(tracker_engine, "events"):
        with tracker_engine.begin() as conn:
            counts["events"] = conn.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount
    if _has_table(cases_engine, "cases"):
        with cases_engine.begin() as conn:
            case_ids = [row.id for row in conn.execute(select(CASES.c.id).where(CASES.c.conversation_id == sender_id))]
            counts.update(_delete_cases(conn, case_ids))
            counts["case_ids"] = case_ids
    if _has_table(cases_engine, "audit_log"):
        detail = (
            f"conversation erased on request: events {counts['events']}, cases {counts['cases']}"
            f" {counts['case_ids']}, notes {counts['notes']}, audit entries {counts['audit_entries']}"
        )
        _audit(cases_engine, "conversation_erased", detail, advisor_id)
    return counts


def conversation_exists(sender_id: str, tracker_engine: Engine, cases_engine: Engine) -> bool:
    """Whether anything of the conversation is stored (events or a case): lets the CLI say "nothing to erase"."""
    if _has_table(tracker_engine, "events"):
        with tracker_engine.connect() as conn:
            if conn.execute(select(EVENTS.c.sender_id).where(EVENTS.c.sender_id == sender_id).limit(1)).first():
                return True
    if _has_table(cases_engine, "cases"):
        with cases_engine.connect() as conn:
            if conn.execute(select(CASES.c.id).where(CASES.c.conversation_id == sender_id).limit(1)).first():
                return True
    return False

