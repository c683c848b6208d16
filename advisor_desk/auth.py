"""Who is calling: bearer token or session cookie, checked on every request but a few public ones."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any, Dict, Optional

from aiohttp import web

from . import accounts
from .access import is_staff
from .api_errors import ApiError, Handler, error_response, is_api_path
from .web_context import ADVISOR, current_advisor, engine, run_db

COOKIE_NAME = "desk_session"
PUBLIC_PATHS = frozenset({"/health", "/login", "/api/login"})
PUBLIC_PREFIXES = ("/static/",)
# Health checks never look up a session: they must answer (503) while the database they check is down.
UNCHECKED_PATHS = frozenset({"/health", "/health/live"})


def token_from_request(request: web.Request) -> Optional[str]:
    """The session token, from `Authorization: Bearer` (scripts) or the cookie (browser)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE_NAME) or None


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Attach the advisor to the request; 401 JSON for the API, a redirect to /login for pages."""
    if request.path.startswith(PUBLIC_PREFIXES) or request.path in UNCHECKED_PATHS:
        return await handler(request)  # static files and health checks: no session lookup needed
    token = token_from_request(request)
    advisor = await run_db(accounts.advisor_for_token, engine(request), token) if token else None
    if advisor is not None:
        request[ADVISOR] = advisor
    elif request.path not in PUBLIC_PATHS:
        if is_api_path(request):
            return error_response(401, "Log in first.")
        raise web.HTTPFound("/login")
    return await handler(request)


def require_admin(request: web.Request) -> Dict[str, Any]:
    """The current advisor, if an admin; raises a 403 API error otherwise."""
    advisor = current_advisor(request)
    if advisor["role"] != "admin":
        raise ApiError(403, "Only an admin may do this.")
    return advisor


def require_staff(request: web.Request) -> Dict[str, Any]:
    """The current advisor, if staff or admin; raises a 403 API error otherwise."""
    advisor = current_advisor(request)
    if not is_staff(advisor):
        raise ApiError(403, "Only staff may review conversations and retrain the assistant.")
    return advisor


def _cookie_secure() -> bool:
    """Secure cookies need HTTPS; on by default, off only when explicitly set for plain-HTTP dev."""
    return os.environ.get("DESK_COOKIE_SECURE", "1").lower() not in ("0", "false", "no")


def set_session_cookie(response: web.StreamResponse, token: str, ttl: timedelta) -> None:
    """Set the HttpOnly, SameSite=Strict session cookie (Secure unless DESK_COOKIE_SECURE=0)."""
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(ttl.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=_cookie_secure(),
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    """Remove the session cookie from the browser."""
    response.del_cookie(COOKIE_NAME, path="/")
