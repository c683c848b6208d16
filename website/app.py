"""The website's server: static files, the chat's settings (/config.json), health checks and strict security headers.

The page never receives HTML from the server at run time: everything the chat shows is built in the browser
from text (website/static/widget.js), and the Content-Security-Policy allows only our own scripts and styles
plus a connection to the Rasa server's socket.io endpoint.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Dict
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from .health import health_handler, live

STATIC_DIR = Path(__file__).with_name("static")
DEFAULT_SOCKET_URL = "http://localhost:5005"
SOCKET_URL: web.AppKey[str] = web.AppKey("socket_url", str)


def socket_url_from_env() -> str:
    """Where browsers reach Rasa's socket.io channel: CHAT_SOCKET_URL, else Rasa's default port on localhost."""
    return (os.environ.get("CHAT_SOCKET_URL") or DEFAULT_SOCKET_URL).rstrip("/")


def check_socket_url(url: str) -> str:
    """The URL itself when it is a plain http(s) origin; a clear error otherwise (it goes into the CSP)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"CHAT_SOCKET_URL must look like http://host:port, not {url!r}")
    if any(c in url for c in " ;,'\""):
        raise ValueError(f"CHAT_SOCKET_URL contains characters a URL for the browser cannot have: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(socket_url: str) -> Dict[str, str]:
    """The desk's policy, plus a connection to the chat server (HTTP long-polling and its WebSocket)."""
    parts = urlsplit(socket_url)
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; connect-src 'self' {socket_url} {websocket}; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }


async def index(_request: web.Request) -> web.FileResponse:
    """GET /: the demo page."""
    return web.FileResponse(STATIC_DIR / "index.html")


async def config(request: web.Request) -> web.Response:
    """GET /config.json: where the widget finds the chat server."""
    return web.json_response({"socket_url": request.app[SOCKET_URL]}, headers={"Cache-Control": "no-store"})


@web.middleware
async def not_found_for_impossible_names(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A 404 for a static file name longer than the file system allows (aiohttp answers it with a 500)."""
    try:
        return await handler(request)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        raise web.HTTPNotFound() from exc


def create_app(socket_url: str = DEFAULT_SOCKET_URL) -> web.Application:
    """Build the website for a chat server at `socket_url` (scheme, host and port)."""
    origin = check_socket_url(socket_url)
    headers = security_headers(origin)

    async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(headers)

    app = web.Application(middlewares=[not_found_for_impossible_names])
    app[SOCKET_URL] = origin
    app.router.add_get("/", index)
    app.router.add_get("/config.json", config)
    app.router.add_get("/health", health_handler(origin))
    app.router.add_get("/health/live", live)
    app.router.add_static("/static/", STATIC_DIR)
    app.on_response_prepare.append(add_security_headers)  # type: ignore[arg-type]  # aiosignal vs aiohttp hints
    return app
