"""Advisor accounts, password checks and login sessions (no web imports)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from typing import Any, Dict, List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.models import ROLES, Advisor, utcnow

from .models import DeskSession

DEFAULT_SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()


def advisor_dict(advisor: Advisor) -> Dict[str, Any]:
    """Public view of an advisor: never includes the password hash."""
    return {
        "id": advisor.id,
        "username": advisor.username,
        "display_name": advisor.display_name,
        "role": advisor.role,
        "active": advisor.active,
    }


def check_password_policy(password: str) -> None:
    """Raise ValueError naming the rule a new password breaks.

    Here rather than in the CLI, so every way of setting a password (CLI, scripts, a future page) obeys it.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def create_advisor(
    engine: Engine,
    username: str,
    password: str,
    role: str = "advisor",
    display_name: Optional[str] = None,
) -> Dict[str, Any]:
    """Create an account; raises ValueError for a bad role, no username, a weak password or a taken username."""
    username = username.strip()
    if not username:
        raise ValueError("username is required")
    check_password_policy(password)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    advisor = Advisor(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
    )
    try:
        with Session(engine) as session, session.begin():
            session.add(advisor)
            session.flush()
            return advisor_dict(advisor)
    except IntegrityError as exc:
        raise ValueError(f"username {username!r} is already taken") from exc


def list_advisors(engine: Engine, *, active_only: bool = False) -> List[Dict[str, Any]]:
    """Every account (or only the active ones), by username, without password hashes."""
    query = select(Advisor).order_by(Advisor.username)
    if active_only:
        query = query.where(Advisor.active.is_(True))
    with Session(engine) as session:
        return [advisor_dict(a) for a in session.scalars(query)]


def get_advisor_by_username(engine: Engine, username: str) -> Optional[Dict[str, Any]]:
    """The public view of one account, or None."""
    with Session(engine) as session:
        advisor = _by_username(session, username)
        return advisor_dict(advisor) if advisor else None


def _by_username(session: Session, username: str) -> Optional[Advisor]:
    return session.scalars(select(Advisor).where(Advisor.username == username)).first()


def verify_login(engine: Engine, username: str, password: str) -> Optional[Dict[str, Any]]:
    """Return the active advisor for these credentials, else None.

    A hash is verified even for unknown usernames so response time does not reveal
    which usernames exist.
    """
    with Session(engine) as session, session.begin():
        advisor = _by_username(session, username)
        if advisor is None:
            _password_matches(_dummy_hash(_hasher), password)
            return None
        if not _password_matches(advisor.password_hash, password) or not advisor.active:
            return None
        if _hasher.check_needs_rehash(advisor.password_hash):
            advisor.password_hash = _hasher.hash(password)
        return advisor_dict(advisor)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password, made once per hasher, for checks against unknown usernames."""
    return hasher.hash(secrets.token_urlsafe(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(engine: Engine, advisor_id: int, ttl: timedelta = DEFAULT_SESSION_TTL) -> str:
    """Start a login session and return its token; only the token's sha256 is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with Session(engine) as session, session.begin():
        session.execute(delete(DeskSession).where(DeskSession.expires_at <= now))
        session.add(
            DeskSession(
                token_hash=_token_hash(token),
                advisor_id=advisor_id,
                created_at=now,
                expires_at=now + ttl,
            )
        )
    return token


def purge_expired_sessions(engine: Engine) -> int:
    """Delete the sessions past their expiry; returns how many. The desk runs this on a schedule."""
    with Session(engine) as session, session.begin():
        result = session.execute(delete(DeskSession).where(DeskSession.expires_at <= utcnow()))
        return int(result.rowcount or 0)


def advisor_for_token(engine: Engine, token: str) -> Optional[Dict[str, Any]]:
    """The active advisor behind an unexpired session token, else None."""
    if not token:
        return None
    query = (
        select(Advisor)
        .join(DeskSession, DeskSession.advisor_id == Advisor.id)
        .where(
            DeskSession.token_hash == _token_hash(token),
            DeskSession.expires_at > utcnow(),
            Advisor.active.is_(True),
        )
    )
    with Session(engine) as session:
        advisor = session.scalars(query).first()
        return advisor_dict(advisor) if advisor else None


def delete_session(engine: Engine, token: str) -> None:
    """End one login session (logout); an unknown token is ignored."""
    with Session(engine) as session, session.begin():
        session.execute(delete(DeskSession).where(DeskSession.token_hash == _token_hash(token)))


def set_advisor_active(engine: Engine, username: str, active: bool) -> bool:
    """Switch an account on or off; a deactivated advisor's sessions stop working at once."""
    with Session(engine) as session, session.begin():
        advisor = _by_username(session, username)
        if advisor is None:
            return False
        advisor.active = active
        if not active:
            session.execute(delete(DeskSession).where(DeskSession.advisor_id == advisor.id))
        return True


def set_password(engine: Engine, username: str, password: str) -> bool:
    """Replace a password and end the advisor's sessions, so an old login cannot linger.

    Raises ValueError for a password the policy refuses.
    """
    check_password_policy(password)
    with Session(engine) as session, session.begin():
        advisor = _by_username(session, username)
        if advisor is None:
            return False
        advisor.password_hash = _hasher.hash(password)
        session.execute(delete(DeskSession).where(DeskSession.advisor_id == advisor.id))
        return True
