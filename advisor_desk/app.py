"""Wires the desk together: store, Rasa client, middlewares, routes, static files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Optional

from aiohttp import web
from sqlalchemy.engine import Engine

from cases.database import ROOT
from staff_review.tracker_db import tracker_engine_from_env

from . import api_admin, api_auth, api_cases, api_staff, health, pages, review_store, staff_pages
from .api_errors import error_middleware
from .auth import auth_middleware
from .connection import is_https
from .csrf import csrf_middleware
from .db import engine_from_env, init_db
from .login_limit import LoginLimiter
from .rasa_client import RasaClient
from .retrain_runner import RetrainRunner
from .session_purge import session_purger
from .web_context import ENGINE, HASH_POOL, LOGIN_LIMITER, RASA, REPORTS_DIR, RETRAIN, TRACKER_ENGINE

STATIC_DIR = Path(__file__).with_name("static")
REPORTS = ROOT / "reports" / "retrain"

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
# Sent only on responses that went out over HTTPS (see connection.is_https): browsers then refuse plain HTTP
# to the desk for a year, so a network attacker cannot strip TLS and read a session cookie.
HSTS = "max-age=31536000"
HASH_WORKERS = 2  # password checks at once; more logins wait their turn, other requests do not


async def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    if is_https(request):
        response.headers["Strict-Transport-Security"] = HSTS
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"


def _rasa_env(client: RasaClient) -> Dict[str, str]:
    """Where the retrain pipeline finds the running Rasa server to activate a better model."""
    env = {"RASA_URL": str(client.base_url)}
    if client.token:
        env["RASA_TOKEN"] = client.token
    return env


def create_app(
    engine: Optional[Engine] = None,
    rasa: Optional[RasaClient] = None,
    *,
    tracker_engine: Optional[Engine] = None,
    retrain: Optional[RetrainRunner] = None,
    reports_dir: Optional[Path] = None,
) -> web.Application:
    """Build the desk. Pass engines, Rasa client, retrain runner or reports folder to use your own (tests do).

    Unset, they come from the environment: CASES_DB_URL, RASA_URL/RASA_TOKEN, TRACKER_DB_URL (else the
    tracker store in VAR_DIR), `python -m staff_review retrain`, and `reports/retrain`.
    """
    owns_engine = engine is None
    owns_rasa = rasa is None
    owns_tracker = tracker_engine is None
    db = engine if engine is not None else engine_from_env()
    client = rasa if rasa is not None else RasaClient.from_env()
    tracker = tracker_engine if tracker_engine is not None else tracker_engine_from_env()
    runner = retrain if retrain is not None else RetrainRunner(env=_rasa_env(client))
    init_db(db)
    review_store.interrupt_running(db)  # a run the previous desk process started has no one watching it

    hash_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="desk-hashing")
    app = web.Application(middlewares=[error_middleware, csrf_middleware, auth_middleware])
    app[ENGINE] = db
    app[RASA] = client
    app[TRACKER_ENGINE] = tracker
    app[RETRAIN] = runner
    app[REPORTS_DIR] = reports_dir if reports_dir is not None else REPORTS
    app[LOGIN_LIMITER] = LoginLimiter()
    app[HASH_POOL] = hash_pool
    app.cleanup_ctx.append(session_purger)
    health.add_routes(app)
    for module in (api_auth, api_cases, api_admin, api_staff, pages, staff_pages):
        app.router.add_routes(module.routes)
    app.router.add_static("/static/", STATIC_DIR)
    app.on_response_prepare.append(_add_security_headers)  # type: ignore[arg-type]  # aiosignal 1.4 vs aiohttp 3.9 hints

    async def _close(_app: web.Application) -> None:
        await runner.stop(db)
        hash_pool.shutdown(wait=False, cancel_futures=True)
        if owns_tracker:
            tracker.dispose()
        if owns_rasa:
            await client.close()
        if owns_engine:
            db.dispose()

    app.on_cleanup.append(_close)  # type: ignore[arg-type]  # same
    return app
