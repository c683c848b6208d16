"""Login, logout and "who am I" for the JSON API."""

from __future__ import annotations

import math

from aiohttp import web

from cases import store as case_store

from . import accounts
from .api_errors import ApiError, error_response
from .auth import clear_session_cookie, set_session_cookie, token_from_request
from .connection import client_address
from .jsonio import read_json_object, required_string
from .web_context import LOGIN_LIMITER, current_advisor, engine, run_db, run_hashing

routes = web.RouteTableDef()


@routes.post("/api/login")
async def login(request: web.Request) -> web.Response:
    """POST /api/login: check the credentials, start a session, return its token and set the cookie.

    Too many failures for the account or the caller's address: 429 with Retry-After, before any hashing.
    """
    body = await read_json_object(request)
    username = required_string(body, "username").strip()
    password = required_string(body, "password")
    db = engine(request)
    limiter, address = request.app[LOGIN_LIMITER], client_address(request)
    wait = limiter.begin(username, address)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        refused = error_response(
            429,
            f"Too many failed logins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
            retry_after=wait,
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    advisor = await run_hashing(request, accounts.verify_login, db, username, password)
    if advisor is None:
        await run_db(case_store.audit, db, None, None, "login_failed", username[:80])
        raise ApiError(401, "Unknown username or wrong password.")
    limiter.succeeded(username, address)
    ttl = accounts.DEFAULT_SESSION_TTL
    token = await run_db(accounts.create_session, db, advisor["id"], ttl)
    await run_db(case_store.audit, db, advisor["id"], None, "login")
    response = web.json_response(
        {
            "token": token,
            "advisor": {k: advisor[k] for k in ("id", "username", "display_name", "role")},
        }
    )
    set_session_cookie(response, token, ttl)
    return response


@routes.post("/api/logout")
async def logout(request: web.Request) -> web.Response:
    """POST /api/logout: end the current session and clear the cookie."""
    db = engine(request)
    token = token_from_request(request)
    if token:
        await run_db(accounts.delete_session, db, token)
    await run_db(case_store.audit, db, current_advisor(request)["id"], None, "logout")
    response = web.json_response({"ok": True})
    clear_session_cookie(response)
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    """GET /api/me: the advisor behind the current session."""
    return web.json_response({"advisor": current_advisor(request)})


@routes.get("/api/advisors")
async def advisors(request: web.Request) -> web.Response:
    """Active colleagues, for the transfer picker."""
    found = await run_db(accounts.list_advisors, engine(request), active_only=True)
    return web.json_response({"advisors": [{k: a[k] for k in ("username", "display_name", "role")} for a in found]})
