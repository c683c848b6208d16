"""The Redis lock store lets one process at a time handle a conversation, however many ask at once.

Each thread stands for a Rasa process: its own store, its own event loop, the same Redis. Rasa 3.6's own
RedisLockStore fails this (several holders at once, and LockErrors), which is why production mode uses
AtomicRedisLockStore.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from typing import Dict, List

import pytest
import redis

from assistant_components.redis_lock_store import AtomicRedisLockStore
from tests.threads import run_in_threads

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PROCESSES = 4
MESSAGES_EACH = 6


@pytest.fixture
def redis_parts() -> Dict:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
    options = client.connection_pool.connection_kwargs
    return {"host": options["host"], "port": options["port"], "db": options["db"], "password": options.get("password")}


def test_one_holder_at_a_time_across_processes(redis_parts):
    conversation = f"lock-race-{uuid.uuid4().hex[:8]}"
    state = {"holding": 0, "most_at_once": 0, "handled": 0}
    guard = threading.Lock()
    errors: List[BaseException] = []
    start = threading.Barrier(PROCESSES)

    def process() -> None:
        store = AtomicRedisLockStore.from_parts(**redis_parts)

        async def handle_messages() -> None:
            for _ in range(MESSAGES_EACH):
                async with store.lock(conversation, wait_time_in_seconds=0.01):
                    with guard:
                        state["holding"] += 1
                        state["most_at_once"] = max(state["most_at_once"], state["holding"])
                    await asyncio.sleep(0.005)  # the message being handled
                    with guard:
                        state["holding"] -= 1
                        state["handled"] += 1

        try:
            start.wait()
            asyncio.run(handle_messages())
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    run_in_threads(process, PROCESSES)
    assert not errors, errors[:2]
    assert state["most_at_once"] == 1
    assert state["handled"] == PROCESSES * MESSAGES_EACH
    assert AtomicRedisLockStore.from_parts(**redis_parts).get_lock(conversation) is None, "the queue is cleaned up"


def test_a_ticket_taken_while_another_is_served_waits_for_it(redis_parts):
    store = AtomicRedisLockStore.from_parts(**redis_parts)
    conversation = f"lock-queue-{uuid.uuid4().hex[:8]}"
    first = store.issue_ticket(conversation)
    second = store.issue_ticket(conversation)
    lock = store.get_lock(conversation)
    assert second == first + 1 and not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup(conversation, first)
    assert not store.get_lock(conversation).is_locked(second), "the next ticket is served"
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None
