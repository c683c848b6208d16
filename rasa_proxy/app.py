"""The proxy's aiohttp application: `/health`, and everything else passed on to a Rasa process.

Bodies are read whole (Rasa's requests and answers are small JSON or engine.io packets) and passed on as they
are (no decompression), with the hop-by-hop headers left out and `X-Forwarded-For`/`-Proto`/`-Host` added. A
request that cannot reach its process is tried on the next one (it never reached the first, so this is safe
for every method), except inside an engine.io session, which only its own process knows.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Set

import aiohttp
from aiohttp import WSCloseCode, WSMsgType, web
from multidict import CIMultiDict

from service_secrets.rasa_auth import auth_headers

from .routing import Router, sid_in_handshake

logger = logging.getLogger(__name__)

SOCKETIO_PATH = "/socket.io"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
# websocket handshake headers aiohttp's client writes itself
WEBSOCKET_OWN = {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"}
ROUTER: web.AppKey[Router] = web.AppKey("router", Router)
CLIENT: web.AppKey[aiohttp.ClientSession] = web.AppKey("client", aiohttp.ClientSession)
TOKEN: web.AppKey[str] = web.AppKey("token", str)
OPEN_WEBSOCKETS = web.AppKey[Set[web.WebSocketResponse]]("open_websockets")
# Requests that change every process: replacing the model (staff_review/activate.py, `PUT /model`) must reach
# them all, or the site would answer with two models. Sent to one process after the other, so the others keep
# answering while one loads.
TO_EVERY_PROCESS = {("PUT", "/model"), ("DELETE", "/model")}
MAX_BODY = 64 * 1024 * 1024  # Rasa's HTTP API takes training data and models' paths: far below this


def create_app(backends: List[str], rasa_token: Optional[str] = None, idle_seconds: float = 300.0) -> web.Application:
    """The proxy for `backends` (base URLs of Rasa servers); `rasa_token` lets `/health` ask for the model."""
    app = web.Application(client_max_size=MAX_BODY)
    app[ROUTER] = Router(backends, idle_seconds)
    app[TOKEN] = rasa_token or ""
    app[OPEN_WEBSOCKETS] = set()
    app.cleanup_ctx.append(_client_session)
    app.on_shutdown.append(_close_websockets)  # type: ignore[arg-type]  # aiosignal 1.4 vs aiohttp 3.9 hints
    app.router.add_get("/health", health)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


async def _client_session(app: web.Application) -> Any:
    # No total timeout: a long-polling request waits up to the ping interval, a REST message for its lock.
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=300)
    app[CLIENT] = aiohttp.ClientSession(timeout=timeout, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())
    yield
    await app[CLIENT].close()


async def _close_websockets(app: web.Application) -> None:
    """On shutdown, end the piped websockets (the clients reconnect) instead of waiting for them to end."""
    registry = app[OPEN_WEBSOCKETS]
    open_now = registry.copy()  # the registry shrinks while they close
    for websocket in open_now:
        await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"proxy shutting down")


async def health(request: web.Request) -> web.Response:
    """200 when every Rasa process answers (with a model loaded, when the proxy knows the token), else 503."""
    router, client, token = request.app[ROUTER], request.app[CLIENT], request.app[TOKEN]
    states = await asyncio.gather(*(_backend_state(client, url, token) for url in router.backends))
    up = sum(1 for state in states if state["ok"])
    status = "ok" if up == len(states) else ("degraded" if up else "down")
    return web.json_response({"status": status, "backends": states}, status=200 if status == "ok" else 503)


async def _backend_state(client: aiohttp.ClientSession, url: str, token: str) -> Dict[str, Any]:
    # Rasa's token never travels in a URL: a short-lived JWT signed with it, in a header (service_secrets)
    target, headers = (f"{url}/status", auth_headers(token, "rasa_proxy")) if token else (f"{url}/", {})
    try:
        async with client.get(target, headers=headers, timeout=aiohttp.ClientTimeout(total=5)) as response:
            if response.status != 200:
                return {"url": url, "ok": False, "problem": f"HTTP {response.status}"}
            if token and not (await response.json(content_type=None)).get("model_file"):
                return {"url": url, "ok": False, "problem": "no model loaded yet"}
            return {"url": url, "ok": True}
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return {"url": url, "ok": False, "problem": type(error).__name__}


async def forward(request: web.Request) -> web.StreamResponse:
    """Pass the request on to a Rasa process, as a websocket or as plain HTTP."""
    router = request.app[ROUTER]
    in_socketio = request.path == SOCKETIO_PATH or request.path.startswith(SOCKETIO_PATH + "/")
    sid = request.query.get("sid") if in_socketio else None
    candidates = router.candidates(sid)
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return await _forward_websocket(request, candidates)
    body = await request.read()
    if (request.method, request.path) in TO_EVERY_PROCESS:
        return await _forward_to_every_process(request, body)
    for backend in candidates:
        try:
            response = await _forward_http(request, router.backends[backend], body)
        except aiohttp.ClientConnectorError as error:  # never reached the process: try the next one
            logger.warning("Rasa process %s unreachable: %s", router.backends[backend], error)
            continue
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:  # it may have been handled: never resend
            logger.warning("Rasa process %s failed: %r", router.backends[backend], error)
            break
        if in_socketio and sid is None and response.status == 200:
            new_sid = sid_in_handshake(response.body if isinstance(response.body, bytes) else b"")
            if new_sid:
                router.sessions.remember(new_sid, backend)
        return response
    return web.json_response(
        {"error": "The assistant server cannot be reached. Try again shortly."},
        status=502,
    )


async def _forward_to_every_process(request: web.Request, body: bytes) -> web.Response:
    """Send the request to each process in turn; the first refusal or failure is the answer, else the last reply."""
    router = request.app[ROUTER]
    answer: Optional[web.Response] = None
    for url in router.backends:
        try:
            answer = await _forward_http(request, url, body)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("Rasa process %s failed: %r", url, error)
            return web.json_response(
                {"error": f"The assistant server at {url} could not be reached; the others may have changed."},
                status=502,
            )
        if answer.status >= 300:
            return answer
    assert answer is not None  # the router has at least one backend
    return answer


def _upstream_headers(request: web.Request, skip: frozenset = frozenset()) -> CIMultiDict:
    headers: CIMultiDict = CIMultiDict()
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered not in HOP_BY_HOP and lowered not in skip:
            headers.add(name, value)
    peer = request.remote or ""
    previous = request.headers.get("X-Forwarded-For")
    headers["X-Forwarded-For"] = f"{previous}, {peer}" if previous else peer
    headers.setdefault("X-Forwarded-Proto", request.scheme)
    headers.setdefault("X-Forwarded-Host", request.host)
    return headers


async def _forward_http(request: web.Request, backend: str, body: bytes) -> web.Response:
    url = backend + request.rel_url.raw_path_qs
    async with request.app[CLIENT].request(
        request.method, url, headers=_upstream_headers(request), data=body or None, allow_redirects=False
    ) as upstream:
        content = await upstream.read()
        headers: CIMultiDict = CIMultiDict(
            (name, value) for name, value in upstream.headers.items() if name.lower() not in HOP_BY_HOP
        )
        return web.Response(status=upstream.status, reason=upstream.reason, headers=headers, body=content)


async def _forward_websocket(request: web.Request, candidates: List[int]) -> web.StreamResponse:
    """Open the same websocket on a Rasa process, then copy frames both ways until either side closes."""
    router = request.app[ROUTER]
    headers = _upstream_headers(request, frozenset(WEBSOCKET_OWN))
    upstream: Optional[aiohttp.ClientWebSocketResponse] = None
    for backend in candidates:
        url = router.backends[backend] + request.rel_url.raw_path_qs
        try:
            upstream = await request.app[CLIENT].ws_connect(url, headers=headers, autoping=True, max_msg_size=0)
            break
        except aiohttp.WSServerHandshakeError as refused:  # the process answered: pass its "no" on
            return web.Response(status=refused.status, text=refused.message or "refused")
        except aiohttp.ClientConnectorError as error:
            logger.warning("Rasa process %s unreachable: %s", router.backends[backend], error)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("Rasa process %s failed: %r", router.backends[backend], error)
            break
    if upstream is None:
        return web.json_response({"error": "The assistant server cannot be reached. Try again shortly."}, status=502)
    downstream = web.WebSocketResponse(autoping=True, max_msg_size=0)
    await downstream.prepare(request)
    request.app[OPEN_WEBSOCKETS].add(downstream)
    try:
        await _pipe_both_ways(downstream, upstream)
    finally:
        request.app[OPEN_WEBSOCKETS].discard(downstream)
        await upstream.close()
        await downstream.close()
    return downstream


async def _pipe_both_ways(downstream: web.WebSocketResponse, upstream: aiohttp.ClientWebSocketResponse) -> None:
    tasks = [
        asyncio.ensure_future(_copy(downstream, upstream)),
        asyncio.ensure_future(_copy(upstream, downstream)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _copy(source: Any, target: Any) -> None:
    async for message in source:
        if message.type == WSMsgType.TEXT:
            await target.send_str(message.data)
        elif message.type == WSMsgType.BINARY:
            await target.send_bytes(message.data)
        else:  # close, closing, error
            break
