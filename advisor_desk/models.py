"""The desk's own table (login sessions), on the same metadata as the case tables in `cases.models`."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from cases.models import Base, utcnow


class DeskSession(Base):
    """A login session: the sha256 of its token, whose it is and until when it is valid."""
    __tablename__ = "sessions"

    # Only the sha256 of the token is stored, so a leaked table does not log anyone in.
    token_hash = Column(String(64), primary_key=True)
    advisor_id = Column(Integer, ForeignKey("advisors.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
