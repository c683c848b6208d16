"""rasa_proxy in front of small real HTTP servers standing in for Rasa processes.

What the proxy itself must get right: plain requests spread over the processes with everything passed on,
an engine.io long-polling session kept on the process that opened it, websockets piped both ways, a process
that is down skipped (and reported by `/health`), and a clear answer when none is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import AsyncIterator, Dict, List, Optional, Set

import aiohttp
import jwt
from aiohttp import web

from rasa_proxy.app import create_app
from rasa_proxy.routing import Router, sid_in_handshake
from tests.servers import free_port


def fake_rasa(name: str, loaded: Optional[List[dict]] = None) -> web.Application:
    """A backend that says who it is, echoes requests and keeps engine.io sessions of its own."""
    sessions: Set[str] = set()
    counter = itertools.count(1)
    app = web.Application()

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        return web.json_response(
            {
                "backend": name,
                "method": request.method,
                "path_qs": request.path_qs,
                "body": body,
                "origin": request.headers.get("Origin"),
                "forwarded_for": request.headers.get("X-Forwarded-For"),
            },
            headers={"X-Backend": name},
        )

    async def status(request: web.Request) -> web.Response:
        # as Rasa started by serve_rasa: a JWT signed with the token in the header opens it, never ?token=
        try:
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            jwt.decode(bearer, "secret", algorithms=["HS256"])
            model = "m.tar.gz"
        except jwt.InvalidTokenError:
            model = None
        return web.json_response({"model_file": model})

    async def engineio(request: web.Request) -> web.StreamResponse:
        sid = request.query.get("sid")
        if request.headers.get("Upgrade", "").lower() == "websocket":
            if sid is not None and sid not in sessions:
                return web.Response(status=400, text="Invalid session")
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await ws.send_str(f"{name}:{message.data}")
                elif message.type == aiohttp.WSMsgType.BINARY:
                    await ws.send_bytes(message.data[::-1])
            return ws
        if sid is None:
            new = f"{name}-{next(counter)}"
            sessions.add(new)
            return web.Response(text='0{"sid":"%s","upgrades":["websocket"],"pingInterval":25000}' % new)
        if sid not in sessions:
            return web.json_response({"message": "Invalid session"}, status=400)
        return web.Response(text=f"6:{name}")

    async def load_model(request: web.Request) -> web.Response:
        if loaded is not None:
            loaded.append(await request.json())
        return web.Response(status=204)

    app.router.add_put("/model", load_model)
    app.router.add_get("/status", status)
    app.router.add_route("*", "/socket.io/", engineio)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    port = free_port()
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def proxy_with(names: List[str], down: int = 0, token: Optional[str] = None) -> AsyncIterator[str]:
    """The proxy in front of one fake Rasa per name, plus `down` backends nothing listens on."""
    async with contextlib.AsyncExitStack() as stack:
        backends = [await stack.enter_async_context(serving(fake_rasa(n))) for n in names]
        backends += [f"http://127.0.0.1:{free_port()}" for _ in range(down)]
        yield await stack.enter_async_context(serving(create_app(backends, token)))


def run(coroutine) -> None:
    asyncio.run(asyncio.wait_for(coroutine, 60))


def test_requests_take_turns_and_arrive_whole():
    async def scenario() -> None:
        async with proxy_with(["a", "b"]) as proxy, aiohttp.ClientSession() as client:
            seen: List[Dict] = []
            for n in range(4):
                async with client.post(
                    f"{proxy}/webhooks/rest/webhook?x={n}",
                    data=json.dumps({"sender": "s", "message": f"m{n}"}),
                    headers={"Origin": "http://localhost:5070", "Content-Type": "application/json"},
                ) as response:
                    assert response.status == 200
                    assert response.headers["X-Backend"] in ("a", "b")
                    seen.append(await response.json())
            assert [s["backend"] for s in seen] in (["a", "b", "a", "b"], ["b", "a", "b", "a"])
            assert [s["path_qs"] for s in seen] == [f"/webhooks/rest/webhook?x={n}" for n in range(4)]
            assert [json.loads(s["body"])["message"] for s in seen] == ["m0", "m1", "m2", "m3"]
            assert {s["method"] for s in seen} == {"POST"} and {s["origin"] for s in seen} == {"http://localhost:5070"}
            assert all(s["forwarded_for"] == "127.0.0.1" for s in seen)

    run(scenario())


def test_a_long_polling_session_stays_on_the_process_that_opened_it():
    async def scenario() -> None:
        async with proxy_with(["a", "b"]) as proxy, aiohttp.ClientSession() as client:
            for _ in range(3):  # sessions opened on both processes, each answered by its own
                async with client.get(f"{proxy}/socket.io/?EIO=4&transport=polling") as response:
                    sid = sid_in_handshake(await response.read())
                assert sid
                owner = sid.split("-")[0]
                for _ in range(5):
                    async with client.get(f"{proxy}/socket.io/?EIO=4&transport=polling&sid={sid}") as polled:
                        assert polled.status == 200, await polled.text()
                        assert await polled.text() == f"6:{owner}"
                    async with client.post(
                        f"{proxy}/socket.io/?EIO=4&transport=polling&sid={sid}", data="42[]"
                    ) as posted:
                        assert posted.status == 200

    run(scenario())


def test_websockets_are_piped_both_ways_and_an_upgrade_goes_to_the_sessions_process():
    async def scenario() -> None:
        async with proxy_with(["a", "b"]) as proxy, aiohttp.ClientSession() as client:
            async with client.ws_connect(f"{proxy}/socket.io/?EIO=4&transport=websocket") as ws:
                await ws.send_str("2probe")
                echoed = await ws.receive_str()
                assert echoed in ("a:2probe", "b:2probe")
                await ws.send_bytes(b"\x01\x02\x03")
                assert await ws.receive_bytes() == b"\x03\x02\x01"
            for _ in range(2):
                async with client.get(f"{proxy}/socket.io/?EIO=4&transport=polling") as response:
                    sid = sid_in_handshake(await response.read())
                assert sid
                async with client.ws_connect(f"{proxy}/socket.io/?EIO=4&transport=websocket&sid={sid}") as ws:
                    await ws.send_str("5")
                    assert await ws.receive_str() == f"{sid.split('-')[0]}:5"

    run(scenario())


def test_a_process_that_is_down_is_skipped_and_reported_by_health():
    async def scenario() -> None:
        async with proxy_with(["a"], down=1) as proxy, aiohttp.ClientSession() as client:
            for _ in range(4):
                async with client.get(f"{proxy}/version") as response:
                    assert response.status == 200 and (await response.json())["backend"] == "a"
            async with client.get(f"{proxy}/health") as health:
                assert health.status == 503
                report = await health.json()
            assert report["status"] == "degraded"
            assert [b["ok"] for b in report["backends"]] == [True, False]

    run(scenario())


def test_health_is_ok_only_when_every_process_has_its_model():
    async def scenario() -> None:
        async with proxy_with(["a", "b"], token="secret") as proxy, aiohttp.ClientSession() as client:
            health = await client.get(f"{proxy}/health")
            assert health.status == 200 and (await health.json())["status"] == "ok"
        async with proxy_with(["a", "b"], token="wrong") as proxy, aiohttp.ClientSession() as client:
            health = await client.get(f"{proxy}/health")
            assert health.status == 503
            assert {b["problem"] for b in (await health.json())["backends"]} == {"no model loaded yet"}

    run(scenario())


def test_no_process_up_gets_a_clear_answer():
    async def scenario() -> None:
        async with proxy_with([], down=2) as proxy, aiohttp.ClientSession() as client:
            async with client.post(f"{proxy}/webhooks/rest/webhook", json={"sender": "s", "message": "hi"}) as r:
                assert r.status == 502
                assert "cannot be reached" in (await r.json())["error"]
            async with client.get(f"{proxy}/health") as health:
                assert health.status == 503 and (await health.json())["status"] == "down"

    run(scenario())


def test_an_unknown_session_is_not_pinned_and_sessions_expire():
    router = Router(["http://a", "http://b"], idle_seconds=0.0)
    assert sorted(router.candidates("never-seen")) == [0, 1]
    router.sessions.remember("s1", 1)
    router.sessions.remember("s2", 0)  # remembering prunes the idle ones
    assert router.sessions.lookup("s1") is None and len(router.sessions) == 1


def test_the_proxy_needs_a_backend():
    try:
        Router([])
    except ValueError as error:
        assert "at least one Rasa server" in str(error)
    else:
        raise AssertionError("a proxy without backends was accepted")


def test_the_command_line_refuses_a_backend_that_is_no_url(capsys):
    from rasa_proxy.__main__ import main

    try:
        main(["--port", "5005", "--backend", "localhost:5006"])
    except SystemExit as exit:
        assert exit.code == 2
    else:
        raise AssertionError("the proxy started with a backend that is no URL")
    assert "write it as http://host:port" in capsys.readouterr().err


def test_a_new_model_is_loaded_into_every_process():
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            backends = [await stack.enter_async_context(serving(fake_rasa(n, loaded[n]))) for n in loaded]
            proxy = await stack.enter_async_context(serving(create_app(backends)))
            async with aiohttp.ClientSession() as client:
                response = await client.put(
                    f"{proxy}/model", headers={"Authorization": "Bearer t"}, json={"model_file": "/models/new.tar.gz"}
                )
                assert response.status == 204

    loaded: Dict[str, List[dict]] = {"a": [], "b": []}
    run(scenario())
    assert loaded == {"a": [{"model_file": "/models/new.tar.gz"}], "b": [{"model_file": "/models/new.tar.gz"}]}


def test_shutting_down_ends_piped_websockets_as_going_away():
    """Stopping the proxy must not wait for open chats to end: each gets a close frame and reconnects."""

    async def scenario() -> None:
        async with serving(fake_rasa("a")) as backend, aiohttp.ClientSession() as client:
            runner = web.AppRunner(create_app([backend]))
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            ws = await client.ws_connect(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
            await ws.send_str("x")
            assert await ws.receive_str() == "a:x"
            stopping = asyncio.ensure_future(runner.cleanup())
            message = await ws.receive()
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == aiohttp.WSCloseCode.GOING_AWAY
            await ws.close()
            await stopping

    run(scenario())
