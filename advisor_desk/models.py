"""The desk's own tables (login sessions, review decisions, retrain runs), on the case tables' metadata."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, String, Text

from cases.models import Base, utcnow


class DeskSession(Base):
    """A login session: the sha256 of its token, whose it is and until when it is valid."""
    __tablename__ = "sessions"

    # Only the sha256 of the token is stored, so a leaked table does not log anyone in.
    token_hash = Column(String(64), primary_key=True)
    advisor_id = Column(Integer, ForeignKey("advisors.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class ReviewDecision(Base):
    """A reviewer's verdict on one inbox item: the right intent, "ignore", or an example for a knowledge entry.

    Only redacted text is stored. At most one pending (unmerged) decision per item: deciding again replaces
    it. `run_id` is the retrain run that took it; `merged_at` is set once that run succeeded.
    """
    __tablename__ = "review_decisions"

    id = Column(Integer, primary_key=True)
    item_key = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    language = Column(String(8), nullable=False)
    predicted_intent = Column(String(100), nullable=True)
    confidence = Column(Float, nullable=True)
    count = Column(Integer, nullable=False, default=1)
    outcomes = Column(String(200), nullable=False, default="")
    correct_intent = Column(String(100), nullable=False)
    knowledge_entry = Column(String(100), nullable=True)
    note = Column(Text, nullable=False, default="")
    reviewer_id = Column(Integer, ForeignKey("advisors.id"), nullable=False)
    decided_at = Column(DateTime, nullable=False, default=utcnow)
    run_id = Column(Integer, ForeignKey("retrain_runs.id"), nullable=True)
    merged_at = Column(DateTime, nullable=True, index=True)

    __table_args__ = (
        Index(
            "uq_review_decisions_pending_item",
            "item_key",
            unique=True,
            sqlite_where=merged_at.is_(None),
            postgresql_where=merged_at.is_(None),
        ),
    )


class RetrainRun(Base):
    """One start of the retrain pipeline from the staff page: who, which review file, how it ended."""
    __tablename__ = "retrain_runs"

    id = Column(Integer, primary_key=True)
    started_by = Column(Integer, ForeignKey("advisors.id"), nullable=False)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    review_file = Column(Text, nullable=False)
    log_file = Column(Text, nullable=False)
    decision_count = Column(Integer, nullable=False)
    pid = Column(Integer, nullable=True)
    finished_at = Column(DateTime, nullable=True)
    exit_code = Column(Integer, nullable=True)
    status = Column(String(16), nullable=False, default="running")

    __table_args__ = (
        # One retrain at a time, enforced by the database: two staff pressing the button cannot both start one.
        Index(
            "uq_retrain_runs_one_running",
            "status",
            unique=True,
            sqlite_where=status == "running",
            postgresql_where=status == "running",
        ),
    )


# The desk's own tables, in creation order.
DESK_TABLES = (DeskSession, RetrainRun, ReviewDecision)
