"""Concurrent simulated users, each in its own conversation, through the REST webhook or socket.io.

Every user sends its messages one after the other (the next when the reply came), as people in a chat do;
latency is measured per message from sending to the reply (REST) or to the first bot message (socket.io).
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

import aiohttp

# The texts of the speed issue: a greeting, three topic questions, thanks and goodbye.
TEXTS = [
    "hello",
    "how do I start a company?",
    "what financing is there for SMEs?",
    "I need a permit for my restaurant",
    "thanks",
    "bye",
]
WEBSITE_ORIGIN = "http://localhost:5070"  # the demo website's address, allowed by processes.this_assistant
# socket.io has no "end of reply": after the first bot message a user waits until nothing came for this long
QUIET_S = 0.15


@dataclass
class Round:
    """The outcome of one load round."""

    assistant: str
    channel: str
    users: int
    messages: int
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> Dict[str, Any]:
        """p50/p95/p99 latency in ms, messages per second and errors."""
        return {
            "assistant": self.assistant,
            "channel": self.channel,
            "users": self.users,
            "messages": len(self.latencies_ms) + self.errors,
            "errors": self.errors,
            **percentiles(self.latencies_ms),
            "msg_per_s": round(len(self.latencies_ms) / self.seconds, 2) if self.seconds else None,
        }


def percentiles(values: List[float]) -> Dict[str, Any]:
    """p50, p95 and p99 of `values` (None when empty)."""
    if len(values) < 2:
        return {"p50_ms": values[0] if values else None, "p95_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1)}


async def _rest_user(session: aiohttp.ClientSession, url: str, messages: int, result: Round) -> None:
    sender = "bench-" + uuid.uuid4().hex
    for i in range(messages):
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": TEXTS[i % len(TEXTS)]}) as response:
                body = await response.text()
            if response.status != 200 or not body.startswith("["):
                result.errors += 1
                continue
        except (aiohttp.ClientError, asyncio.TimeoutError):
            result.errors += 1
            continue
        result.latencies_ms.append((time.perf_counter() - started) * 1000)


async def rest_round(assistant: str, url: str, users: int, messages: int) -> Round:
    """`users` conversations at once through the REST webhook, `messages` messages each."""
    result = Round(assistant, "rest", users, messages)
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120), connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(_rest_user(session, url, messages, result) for _ in range(users)))
        result.seconds = time.perf_counter() - started
    return result


def _socketio_user(base_url: str, messages: int) -> Tuple[List[float], int]:
    # python-socketio's threaded client: its asyncio client's websocket transport needs a newer aiohttp
    # than Rasa 3.6 pins; the threaded one speaks websocket through websocket-client, as a browser would.
    import queue

    import socketio  # python-socketio, installed with Rasa

    # as a browser on the website would: the channel refuses pages from other sites (CHAT_ALLOWED_ORIGINS)
    client = socketio.Client(reconnection=False, websocket_extra_options={"origin": WEBSITE_ORIGIN})
    replies: "queue.Queue[Any]" = queue.Queue()
    confirmed: "queue.Queue[Any]" = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    latencies: List[float] = []
    try:
        client.connect(base_url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
        client.emit("session_request", {})
        confirmed.get(timeout=30)
        for i in range(messages):
            started = time.perf_counter()
            client.emit("user_uttered", {"message": TEXTS[i % len(TEXTS)]})
            try:
                replies.get(timeout=60)
            except queue.Empty:
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            while True:  # the rest of this answer (more bot messages), so it is not taken for the next one
                try:
                    replies.get(timeout=QUIET_S)
                except queue.Empty:
                    break
    except (socketio.exceptions.ConnectionError, queue.Empty):
        pass  # counted below: every message without a reply is an error
    finally:
        client.disconnect()
    return latencies, messages - len(latencies)


def socketio_round(assistant: str, base_url: str, users: int, messages: int) -> Round:
    """`users` web chats at once through socket.io (the website's channel), `messages` messages each."""
    from concurrent.futures import ThreadPoolExecutor

    result = Round(assistant, "socketio", users, messages)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        for latencies, errors in pool.map(lambda _: _socketio_user(base_url, messages), range(users)):
            result.latencies_ms += latencies
            result.errors += errors
    result.seconds = time.perf_counter() - started - QUIET_S * messages  # the quiet waits are not work
    return result
