"""The desk's health: `/health/live` (the process answers) and `/health` (it can do its work).

`/health` checks what every advisor action needs: the case database answers a query and the Rasa server
answers the desk's token (its HTTP API's `/status`). 200 with `{"status": "ok", "checks": {...}}` when both
do, else 503 with `failing` naming each dependency that does not and a sentence per check, so a load balancer
or an operator sees at once which one is down. Nothing is cached: a check is one query and one small request.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Dict, Optional

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from .rasa_client import RasaError
from .web_context import engine, rasa, run_db

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
CHECK_SECONDS = 5.0  # a dependency that takes longer than this counts as down
OK = "ok"


def _query_database(db: Engine) -> None:
    with db.connect() as connection:
        connection.execute(text("SELECT 1"))


async def database_problem(db: Engine) -> Optional[str]:
    """None when the case database answers, else why not (no connection string, no password)."""
    try:
        await asyncio.wait_for(run_db(_query_database, db), CHECK_SECONDS)
    except asyncio.TimeoutError:
        return f"The case database did not answer within {CHECK_SECONDS:.0f} s."
    except Exception as exc:  # noqa: BLE001 - any failure means the dependency is down; the log has the detail
        log.warning("Health check: case database failed: %s", exc)
        return f"The case database cannot be reached ({type(exc).__name__})."
    return None


async def health(request: web.Request) -> web.Response:
    """GET /health: 200 when the case database and the Rasa server answer, else 503 naming what failed."""
    checks: Dict[str, str] = {}
    database, assistant = await asyncio.gather(database_problem(engine(request)), _rasa_problem(request))
    checks["database"] = database or OK
    checks["rasa"] = assistant or OK
    failing = [name for name, result in checks.items() if result != OK]
    if failing:
        return web.json_response({"status": "unavailable", "failing": failing, "checks": checks}, status=503)
    return web.json_response({"status": OK, "checks": checks})


async def live(_request: web.Request) -> web.Response:
    """GET /health/live: the desk process is up and serving (no dependency checked)."""
    return web.json_response({"status": OK})


async def _rasa_problem(request: web.Request) -> Optional[str]:
    try:
        await rasa(request).status(timeout=CHECK_SECONDS)
    except RasaError as exc:
        return str(exc)
    return None


def add_routes(app: web.Application) -> None:
    """Register both endpoints (public: the auth middleware lets them through)."""
    app.router.add_get("/health", health)
    app.router.add_get("/health/live", live)
