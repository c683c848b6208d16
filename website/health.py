"""The website's health: `/health/live` (the process answers) and `/health` (the chat can work).

The page is useless without its chat server, so `/health` opens the socket.io handshake a browser opens first
(`GET <CHAT_SOCKET_URL>/socket.io/?EIO=4&transport=polling`) and reports 503 naming `chat_server` when it is
not answered. The handshake's session is never used and the server drops it after its ping timeout.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)
CHECK_SECONDS = 5.0
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
OPEN_PACKET = "0"  # engine.io's "open" packet type: the server accepted the handshake


async def chat_server_problem(socket_url: str) -> Optional[str]:
    """None when the chat server at `socket_url` accepts a socket.io handshake, else why not."""
    try:
        timeout = aiohttp.ClientTimeout(total=CHECK_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(socket_url + HANDSHAKE) as response:
            body = await response.text()
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        log.warning("Health check: chat server %s failed: %s", socket_url, exc)
        return f"The chat server at {socket_url} cannot be reached."
    if response.status != 200 or not body.startswith(OPEN_PACKET):
        return f"The chat server at {socket_url} refused the socket.io handshake (HTTP {response.status})."
    return None


def health_handler(socket_url: str) -> "aiohttp.typedefs.Handler":
    """GET /health for a chat server at `socket_url`: 200, or 503 with `failing: ["chat_server"]`."""

    async def health(_request: web.Request) -> web.Response:
        problem = await chat_server_problem(socket_url)
        if problem:
            body = {"status": "unavailable", "failing": ["chat_server"], "checks": {"chat_server": problem}}
            return web.json_response(body, status=503)
        return web.json_response({"status": "ok", "checks": {"chat_server": "ok"}})

    return health


async def live(_request: web.Request) -> web.Response:
    """GET /health/live: the website process is up (no dependency checked)."""
    return web.json_response({"status": "ok"})
