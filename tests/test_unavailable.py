"""Which errors count as "a service is down for a moment", and the apology users get then."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from assistant_components.tracker_store import fail_loudly
from assistant_components.unavailable import TrackerStoreUnavailable, is_unavailable, unavailable_message


def raised_from(cause: BaseException) -> Exception:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        return outer


def test_store_and_lock_failures_count_as_unavailable_also_when_wrapped() -> None:
    for error in (
        TrackerStoreUnavailable("x"),
        OperationalError("select 1", {}, Exception("connection refused")),
        RedisConnectionError("refused"),
        LockError("Error while acquiring lock"),
    ):
        assert is_unavailable(error)
        assert is_unavailable(raised_from(error))


def test_bugs_are_not_passed_off_as_an_outage() -> None:
    for error in (KeyError("slot"), ValueError("bad"), raised_from(TypeError("x"))):
        assert not is_unavailable(error)


def test_the_apology_follows_the_language_when_known() -> None:
    assert "tijdelijk niet beschikbaar" in unavailable_message({"language": "nl"})
    english = unavailable_message({"language": "en"})
    assert "temporarily unavailable" in english and "niet" not in english
    both = unavailable_message(None)
    assert "temporarily unavailable" in both and "tijdelijk" in both
    assert unavailable_message({"language": ["nl"]}) == both


class BrokenStore(InMemoryTrackerStore):
    def __init__(self, error: Exception) -> None:
        super().__init__(Domain.empty())
        self.error = error

    async def retrieve(self, sender_id: str) -> None:
        raise self.error


class Agent:
    def __init__(self, store: FailSafeTrackerStore) -> None:
        self.tracker_store = store


def test_an_unreachable_store_is_reported_instead_of_replaced_by_memory() -> None:
    down = Agent(FailSafeTrackerStore(BrokenStore(OperationalError("select", {}, Exception("refused")))))
    assert asyncio.run(down.tracker_store.retrieve("c")) is None  # Rasa alone: a silent empty conversation
    fail_loudly(down)
    fail_loudly(down)  # idempotent
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(down.tracker_store.retrieve("c"))
    buggy = Agent(FailSafeTrackerStore(BrokenStore(KeyError("column"))))
    fail_loudly(buggy)
    assert asyncio.run(buggy.tracker_store.retrieve("c")) is None  # not an outage: Rasa's fallback, logged
