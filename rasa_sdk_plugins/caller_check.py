"""The action server answers only Rasa: every request but the health checks must carry the shared action server token.

The actions open advisor cases and store contact details, so a forged call to /webhook (say `next_action:
action_finish_handoff` with a made-up tracker) must not run them. Rasa sends `Authorization: Bearer <token>`
on each call (endpoints.yml `action_endpoint.headers`, the token expanded from ACTION_SERVER_TOKEN); the
action server compares it in constant time with its own copy (`service_secrets.tokens`). A call without the
header gets 401, one with another token 403, both as JSON, before any action runs.
"""

from __future__ import annotations

import hmac
from typing import Any, Callable, Coroutine, Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

OPEN_PATHS = frozenset({"/health", "/health/ready"})  # liveness and readiness: for monitors, no secrets
SCHEME = "bearer"

Middleware = Callable[[Request], Coroutine[Any, Any, Optional[HTTPResponse]]]


def presented_token(authorization: Optional[str]) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` header, or None when there is none."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != SCHEME or not value.strip():
        return None
    return value.strip()


def is_expected(presented: str, expected: str) -> bool:
    """Whether the presented token is the expected one, compared in constant time."""
    return hmac.compare_digest(presented.encode("utf-8", "replace"), expected.encode("utf-8"))


def refuse_other_callers(expected: str) -> Middleware:
    """A Sanic request middleware that lets through only requests bearing `expected` (and the health checks)."""

    async def check_caller(request: Request) -> Optional[HTTPResponse]:
        if request.path.rstrip("/") in OPEN_PATHS:
            return None
        presented = presented_token(request.headers.get("Authorization"))
        if presented is None:
            return response.json(
                {"error": "This action server answers only the Rasa server: the action server token is missing."},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not is_expected(presented, expected):
            return response.json(
                {"error": "This action server answers only the Rasa server: the action server token is wrong."},
                status=403,
            )
        return None

    return check_caller
