"""The case store as the action server uses it: one engine, made (with the case tables) on first use.

Not at start-up: a case database that is down must not keep the action server from answering questions.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional

from sqlalchemy.engine import Engine

from cases import store as case_store
from cases.database import cases_engine_from_env, init_db

LIVE_STATUSES = ("waiting", "claimed")


@lru_cache(maxsize=1)
def cases_engine() -> Engine:
    """The shared engine for CASES_DB_URL (SQLite file in var/ by default)."""
    engine = cases_engine_from_env()
    init_db(engine)
    return engine


def open_case(conversation_id: str) -> Optional[Dict[str, Any]]:
    """The conversation's open case (waiting, claimed or callback), if any."""
    return case_store.open_case_for_conversation(cases_engine(), conversation_id)


def is_live(case: Optional[Dict[str, Any]]) -> bool:
    """Whether an advisor holds (or is about to hold) the conversation, so the bot must stay silent."""
    return case is not None and case["status"] in LIVE_STATUSES
