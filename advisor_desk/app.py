"""Wires the desk together: store, Rasa client, middlewares, routes, static files."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from aiohttp import web
from sqlalchemy.engine import Engine

from . import api_admin, api_auth, api_cases, pages
from .api_errors import error_middleware
from .auth import auth_middleware
from .db import engine_from_env, init_db
from .rasa_client import RasaClient
from .web_context import ENGINE, RASA

STATIC_DIR = Path(__file__).with_name("static")

SECURITY_HEADERS = {
    # Only our own scripts and styles: an entrepreneur's message can never run as code here.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


async def health(_request: web.Request) -> web.Response:
    """GET /health: the desk is up."""
    return web.json_response({"status": "ok"})


async def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"


def create_app(engine: Optional[Engine] = None, rasa: Optional[RasaClient] = None) -> web.Application:
    """Build the desk. Pass `engine` / `rasa` to use your own (tests do); else both come from env."""
    owns_engine = engine is None
    owns_rasa = rasa is None
    db = engine if engine is not None else engine_from_env()
    client = rasa if rasa is not None else RasaClient.from_env()
    init_db(db)

    app = web.Application(middlewares=[error_middleware, auth_middleware])
    app[ENGINE] = db
    app[RASA] = client
    app.router.add_get("/health", health)
    for module in (api_auth, api_cases, api_admin, pages):
        app.router.add_routes(module.routes)
    app.router.add_static("/static/", STATIC_DIR)
    app.on_response_prepare.append(_add_security_headers)  # type: ignore[arg-type]  # aiosignal 1.4 vs aiohttp 3.9 hints

    async def _close(_app: web.Application) -> None:
        if owns_rasa:
            await client.close()
        if owns_engine:
            db.dispose()

    app.on_cleanup.append(_close)  # type: ignore[arg-type]  # same
    return app
