"""Tables of the case domain: cases, their notes, the audit log, and the advisors they are assigned to.

Kept apart from the store functions so the schema can be read on its own. The advisor table is here
because cases, notes and audit entries refer to it; the code that manages accounts and passwords lives in
the desk (`advisor_desk/accounts.py`), and the desk adds its login-session table to the same metadata.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Tuple

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

Base: Any = declarative_base()  # SQLAlchemy 1.4 has no type information: Base is dynamic

OPEN_STATUSES = ("waiting", "claimed", "callback")
CLAIMABLE_STATUSES = ("waiting", "callback")
STATUSES = (*OPEN_STATUSES, "resolved")
LANGUAGES = ("en", "nl")
# Ordered by what they may do: staff review conversations and retrain the assistant on top of advisor work,
# admins may do everything. Databases created before "staff" existed are widened by `cases.migrations`.
ROLES = ("advisor", "staff", "admin")


# Spelled out rather than datetime.UTC, which needs Python 3.11 (Rasa 3.6 runs on 3.10).
UTC = timezone(timedelta(0), "UTC")


def utcnow() -> datetime:
    """Naive UTC time: SQLite drops time zones, so every stored time is UTC by convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def in_check(column: str, values: Tuple[str, ...]) -> str:
    """SQL text of a CHECK that `column` holds one of `values` (also used to detect an outdated one)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Advisor(Base):
    """An advisor account; password hashes are managed by the desk (advisor_desk/accounts.py)."""
    __tablename__ = "advisors"
    __table_args__ = (CheckConstraint(in_check("role", ROLES), name="ck_advisors_role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(200), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="advisor")
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Case(Base):
    """A handed-over conversation: waiting, claimed by an advisor, a callback request, or resolved."""
    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    status = Column(String(16), nullable=False, default="waiting")
    topic = Column(String(200), nullable=True)
    language = Column(String(2), nullable=False, default="en")
    contact_name = Column(String(200), nullable=True)
    contact = Column(String(255), nullable=True)
    summary = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime, nullable=True)
    resolved_at = Column(DateTime, nullable=True)
    advisor_id = Column(Integer, ForeignKey("advisors.id"), nullable=True)
    callback_due = Column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint(in_check("status", STATUSES), name="ck_cases_status"),
        CheckConstraint(in_check("language", LANGUAGES), name="ck_cases_language"),
        # At most one open case per conversation, enforced by the database so that two
        # concurrent hand-offs of the same chat cannot both insert.
        Index(
            "uq_cases_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=status.in_(OPEN_STATUSES),
            postgresql_where=status.in_(OPEN_STATUSES),
        ),
        Index("ix_cases_status_created", "status", "created_at"),
    )


class CaseNote(Base):
    """An internal note an advisor added to a case."""
    __tablename__ = "case_notes"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=False, index=True)
    advisor_id = Column(Integer, ForeignKey("advisors.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what to which case, and when."""
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    advisor_id = Column(Integer, ForeignKey("advisors.id"), nullable=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=True, index=True)
    action = Column(String(64), nullable=False)
    detail = Column(Text, nullable=False, default="")


# Every table of the case domain, in creation order (the desk adds its own on the same metadata).
CASE_TABLES = (Advisor, Case, CaseNote, AuditEntry)
