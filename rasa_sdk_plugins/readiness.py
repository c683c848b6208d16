"""`GET /health/ready` on the action server: 200 when it can answer, else 503 naming what is missing.

rasa-sdk's own `/health` only says the process serves HTTP. Ready means: the knowledge base was built at
start-up (rasa_sdk_plugins.set_up_actions) and holds entries, and the two databases the actions use answer a
query — the knowledge store (KNOWLEDGE_DB_URL) and the case store (CASES_DB_URL, where handoffs open cases).
Body: `{"status": "ok"|"unavailable", "failing": [...], "checks": {"knowledge_base": ..., "knowledge_db": ...,
"cases_db": ...}}`, each check "ok" or a sentence.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Callable, Dict, Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)
CHECK_SECONDS = 5.0
OK = "ok"


@lru_cache(maxsize=1)
def _knowledge_engine() -> Engine:
    from actions.knowledge.store import engine_from_env

    return engine_from_env()


def _cases_engine() -> Engine:
    from actions.handoff.cases import cases_engine

    return cases_engine()  # the actions' own engine (made, with its tables, on first use)


def knowledge_base_problem() -> Optional[str]:
    """None when the actions have a knowledge base with entries, else why not."""
    from actions.knowledge.base import knowledge_base

    try:
        entries = len(knowledge_base().entries)
    except RuntimeError:
        return "The knowledge base is not loaded (the action server is starting, or loading it failed)."
    return None if entries else "The knowledge base is empty."


def _ask(engine: Callable[[], Engine]) -> None:
    with engine().connect() as connection:
        connection.execute(text("SELECT 1"))


async def database_problem(name: str, engine: Callable[[], Engine]) -> Optional[str]:
    """None when the database answers a query within CHECK_SECONDS, else a sentence naming it."""
    try:
        await asyncio.wait_for(asyncio.to_thread(_ask, engine), CHECK_SECONDS)
    except asyncio.TimeoutError:
        return f"The {name} did not answer within {CHECK_SECONDS:.0f} s."
    except Exception as exc:  # noqa: BLE001 - any failure means the dependency is down; the log has the detail
        logger.warning("Readiness: the %s failed: %s", name, exc)
        return f"The {name} cannot be reached ({type(exc).__name__})."
    return None


async def ready(_request: Request) -> HTTPResponse:
    """GET /health/ready."""
    knowledge_db, cases_db = await asyncio.gather(
        database_problem("knowledge database", _knowledge_engine), database_problem("case database", _cases_engine)
    )
    checks: Dict[str, str] = {
        "knowledge_base": knowledge_base_problem() or OK,
        "knowledge_db": knowledge_db or OK,
        "cases_db": cases_db or OK,
    }
    failing = [name for name, result in checks.items() if result != OK]
    if failing:
        return response.json({"status": "unavailable", "failing": failing, "checks": checks}, status=503)
    return response.json({"status": OK, "checks": checks})
