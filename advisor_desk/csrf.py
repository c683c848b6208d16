"""Cross-site request forgery guard: a state-changing call must be JSON and come from the desk's own origin.

`SameSite=Strict` alone does not help against another port or subdomain of the same site, and a plain HTML
form (or `fetch` without CORS) can post `text/plain` or form data but never `application/json`. So every
POST, PUT, PATCH and DELETE needs `Content-Type: application/json` (else 415) and an `Origin` header (or,
without one, a `Referer`) naming the desk itself or one of `DESK_ALLOWED_ORIGINS` (comma-separated, e.g.
`https://desk.example.be` behind a proxy); anything else, or neither header, is a 403. Browsers send
`Origin` on every such `fetch`; scripts using a bearer token must send it too.
"""

from __future__ import annotations

import os
from typing import FrozenSet, Optional
from urllib.parse import urlsplit

from aiohttp import web

from .api_errors import Handler, error_response
from .connection import is_https

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> Optional[str]:
    """`scheme://host:port` in lower case with the port spelled out, or None for anything else (`null` too)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return f"{scheme}://{parts.hostname.lower()}:{port or DEFAULT_PORTS[scheme]}"


def allowed_origins() -> FrozenSet[str]:
    """The origins `DESK_ALLOWED_ORIGINS` adds to the desk's own."""
    configured = (normalize_origin(item) for item in os.environ.get("DESK_ALLOWED_ORIGINS", "").split(","))
    return frozenset(origin for origin in configured if origin)


def own_origin(request: web.Request) -> Optional[str]:
    """The origin the browser sees for this desk: the scheme it used and the `Host` it asked for."""
    return normalize_origin(f"{'https' if is_https(request) else 'http'}://{request.host}")


def caller_origin(request: web.Request) -> Optional[str]:
    """Where the call comes from: `Origin`, else the origin of `Referer`; None if neither names one."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return normalize_origin(origin)
    referer = request.headers.get("Referer")
    return normalize_origin(referer) if referer else None


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a state-changing call that is not JSON (415) or not from an allowed origin (403)."""
    if request.method not in STATE_CHANGING:
        return await handler(request)
    if request.content_type != "application/json":
        return error_response(415, "Send this request as JSON (Content-Type: application/json).")
    origin = caller_origin(request)
    if origin is None or (origin != own_origin(request) and origin not in allowed_origins()):
        return error_response(403, "This request does not come from the desk's own pages (Origin check).")
    return await handler(request)
