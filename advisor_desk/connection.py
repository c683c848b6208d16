"""What the desk may believe about a request's connection: HTTPS or not, and the client's address.

Directly, that is what the socket says. Behind a reverse proxy that terminates TLS the socket only shows
the proxy, so with `DESK_TRUST_PROXY=1` the desk believes the proxy's `X-Forwarded-Proto` and the address
the proxy appended last to `X-Forwarded-For`. Leave it off unless a proxy you run is the only way in:
otherwise any client could claim HTTPS or a fresh address (and so escape the login rate limit).
"""

from __future__ import annotations

import os

from aiohttp import web


def trust_proxy() -> bool:
    """Whether `DESK_TRUST_PROXY` says a trusted reverse proxy sits in front of the desk."""
    return os.environ.get("DESK_TRUST_PROXY", "0").lower() in ("1", "true", "yes")


def is_https(request: web.Request) -> bool:
    """The browser reached the desk over HTTPS: TLS on this socket, or a trusted proxy says so."""
    if request.secure:
        return True
    if not trust_proxy():
        return False
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


def client_address(request: web.Request) -> str:
    """The caller's IP address: the socket's peer, or the last hop a trusted proxy recorded."""
    if trust_proxy():
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.remote or "unknown"
