"""Test doubles and helpers for the desk tests: a server thread, a fake Rasa, a desk driver."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, TypeVar

import jwt
import requests
from aiohttp import web
from sqlalchemy.engine import Engine

from advisor_desk import accounts
from advisor_desk.app import create_app
from advisor_desk.db import init_db
from advisor_desk.rasa_client import RasaClient
from cases import store as case_store
from cases.database import make_engine

RASA_TOKEN = "rasa-test-token-" + "x" * 32  # an HS256 key of full length
PASSWORD = "correct horse battery staple"
T = TypeVar("T")


def run_at_once(count: int, action: Callable[[int], T]) -> List[T]:
    """Run `action(i)` in `count` threads released together by a barrier, to provoke real races."""
    barrier = threading.Barrier(count)

    def released(i: int) -> T:
        barrier.wait(timeout=10)
        return action(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(released, i) for i in range(count)]
        return [future.result(timeout=30) for future in futures]


class ServerThread:
    """Runs an aiohttp app on a free port in its own thread and event loop, as in production."""

    def __init__(self, app: web.Application, ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self.app = app
        self.ssl_context = ssl_context
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._started: Future[int] = Future()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.app, access_log=None)
        try:
            self.loop.run_until_complete(runner.setup())
            self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self.ssl_context).start())
        except BaseException as exc:
            self._started.set_exception(exc)
            raise
        self._started.set_result(runner.addresses[0][1])
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()

    def start(self) -> ServerThread:
        self._thread.start()
        self.port = self._started.result(timeout=10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class FakeRasa:
    """Stands in for Rasa's HTTP API: serves trackers and records every event posted.

    Posted events are appended to the conversation's tracker, as Rasa does, so a reply
    shows up in the next transcript.
    """

    def __init__(self, token: str = RASA_TOKEN) -> None:
        self.token = token
        self.fail_status: Optional[int] = None
        self.delay = 0.0  # seconds each posted event waits after it is recorded, to hold a request in flight
        self.events: Dict[str, List[Dict[str, Any]]] = {}
        self.posts: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        app = web.Application()
        # `.+` like Rasa's `<conversation_id:path>` route, which accepts slashes in sender ids.
        app.router.add_get("/conversations/{cid:.+}/tracker", self._tracker)
        app.router.add_post("/conversations/{cid:.+}/tracker/events", self._post_events)
        app.router.add_get("/status", self._status)  # the desk's health check asks for it
        self.server = ServerThread(app)

    def posts_for(self, conversation_id: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [p for p in self.posts if p["conversation_id"] == conversation_id]

    def posted_events(self, conversation_id: str) -> List[Dict[str, Any]]:
        return [e for p in self.posts_for(conversation_id) for e in p["events"]]

    def _check(self, request: web.Request) -> Optional[web.Response]:
        if self.fail_status is not None:
            return web.json_response({"message": "boom"}, status=self.fail_status)
        # As Rasa started by assistant_components.serve_rasa: only a JWT signed with the token, with the
        # admin role, in the Authorization header; a token in the URL opens nothing.
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        try:
            payload = jwt.decode(encoded, self.token, algorithms=["HS256"]) if scheme == "Bearer" else {}
        except jwt.InvalidTokenError:
            payload = {}
        if (payload.get("user") or {}).get("role") != "admin" or "token" in request.query:
            return web.json_response({"message": "bad token"}, status=401)
        return None

    def _tracker_json(self, conversation_id: str) -> Dict[str, Any]:
        with self._lock:
            return {
                "sender_id": conversation_id,
                "events": list(self.events.get(conversation_id, [])),
            }

    async def _status(self, request: web.Request) -> web.Response:
        failure = self._check(request)
        return failure if failure is not None else web.json_response({"model_file": "fake.tar.gz"})

    async def _tracker(self, request: web.Request) -> web.Response:
        failure = self._check(request)
        if failure is not None:
            return failure
        return web.json_response(self._tracker_json(request.match_info["cid"]))

    async def _post_events(self, request: web.Request) -> web.Response:
        failure = self._check(request)
        if failure is not None:
            return failure
        conversation_id = request.match_info["cid"]
        events = await request.json()
        stored = [{"timestamp": time.time(), **event} for event in events]
        with self._lock:
            self.posts.append(
                {
                    "conversation_id": conversation_id,
                    "query": dict(request.query),
                    "authorization": request.headers.get("Authorization", ""),
                    "events": events,
                }
            )
            self.events.setdefault(conversation_id, []).extend(stored)
        await asyncio.sleep(self.delay)
        return web.json_response(self._tracker_json(conversation_id))


class Desk:
    """A running desk plus its fake Rasa, with helpers to act as a given advisor."""

    def __init__(self, engine: Engine, rasa: FakeRasa, server: ServerThread) -> None:
        self.engine = engine
        self.rasa = rasa
        self.server = server
        self.tokens: Dict[str, str] = {}
        self.ids: Dict[str, int] = {}

    @property
    def url(self) -> str:
        return self.server.url

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        return requests.post(
            f"{self.url}/api/login",
            json={"username": username, "password": password},
            headers={"Origin": self.url},
            timeout=10,
        )

    def call(self, who: Optional[str], method: str, path: str, **kwargs: Any) -> requests.Response:
        """One API call as `who`; a state-changing one says JSON and the desk's origin, as the pages do."""
        headers = kwargs.pop("headers", {})
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            headers.setdefault("Origin", self.url)
            headers.setdefault("Content-Type", "application/json")
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=10, **kwargs)

    def new_case(self, **fields: Any) -> Dict[str, Any]:
        conversation_id = fields.pop("conversation_id", f"conv-{uuid.uuid4().hex}")
        case, _ = case_store.open_or_create_case(self.engine, conversation_id, **fields)
        return case

    def claimed_case(self, who: str, **fields: Any) -> Dict[str, Any]:
        case = self.new_case(**fields)
        assert case_store.claim_case(self.engine, case["id"], self.ids[who])
        return case_store.get_case(self.engine, case["id"])


ADVISORS = {
    # username: (role, display name)
    "alice": ("advisor", "Alice Janssens"),
    "bob": ("advisor", "Bob Peeters"),
    "ada": ("admin", "Ada Admin"),
    "olaf": ("advisor", "Olaf Gone"),
}


def start_desk(
    folder: Path, usernames: Iterable[str] = ("alice", "bob", "ada"), ssl_context: Optional[ssl.SSLContext] = None
) -> Desk:
    """A live desk on a fresh SQLite file in `folder`, with a recording Rasa stand-in and these advisors."""
    db = make_engine(f"sqlite:///{folder / 'cases.db'}")
    init_db(db)
    rasa = FakeRasa()
    rasa.server.start()
    client = RasaClient(rasa.server.url, RASA_TOKEN, timeout=5)
    app = create_app(db, client)

    async def close_client(_app: web.Application) -> None:
        await client.close()

    app.on_cleanup.append(close_client)
    running = Desk(db, rasa, ServerThread(app, ssl_context).start())
    for username in usernames:
        role, display_name = ADVISORS[username]
        running.ids[username] = accounts.create_advisor(db, username, PASSWORD, role, display_name)["id"]
    return running


def stop_desk(desk: Desk) -> None:
    """Stop the desk, its Rasa stand-in and its database engine."""
    desk.server.stop()
    desk.rasa.server.stop()
    desk.engine.dispose()
