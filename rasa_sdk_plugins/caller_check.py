"""The action server answers only Rasa: every request but the health checks must carry the shared action server token.

The actions open advisor cases and store contact details, so a forged call to /webhook (say `next_action:
action_finish_handoff` with a made-up tracker) must not run them. Rasa sends `Authorization: Bearer <token>`
on each call (endpoints.yml `action_endpoint.headers`, the token expanded from ACTION_SERVER_TOKEN); the
action server compares it in constant time with its own copy (`service_secrets.tokens`). A call without the
header gets 401, one with another token 403, both as JSON, before any action runs.

Without a configured token (the bare `rasa run actions` outside production, which the repository's
endpoints.yml talks to without a header) the action server answers callers on its own machine only.
"""

from __future__ import annotations

import hmac
import ipaddress
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


def is_loopback(address: str) -> bool:
    """Whether a peer address is this machine (127.0.0.0/8 or ::1)."""
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def refuse_other_callers(expected: Optional[str]) -> Middleware:
    """A Sanic request middleware that lets through only requests bearing `expected` (and the health checks).

    With no token configured (`expected` None: the bare `rasa run actions` of a developer or an evaluation
    script), only callers on this machine get through; others get 403.
    """

    async def check_caller(request: Request) -> Optional[HTTPResponse]:
        if request.path.rstrip("/") in OPEN_PATHS:
            return None
        if expected is None:
            if is_loopback(request.ip or ""):
                return None
            return response.json(
                {"error": "This action server has no token configured and answers only callers on its own machine."},
                status=403,
            )
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
