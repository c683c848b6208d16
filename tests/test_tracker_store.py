"""The conversation store (assistant_components/tracker_store.py): queries off the event loop, SQLite in WAL mode.

The whole server is tested on it in tests/integration/test_tracker_persistence.py (restart, SQLite and
PostgreSQL); these tests check the store itself: same rows as Rasa's store, the queries on a worker thread,
sessions, and concurrent conversations that do not mix.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from assistant_components.tracker_store import ConversationStore
from tests.postgres_support import temporary_database

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: categorical
    values: [en, nl]
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


def sqlite_store(path: Path) -> ConversationStore:
    return ConversationStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("language", "nl"))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered(f"answer to {text}"))
    tracker.update(ActionExecuted("action_listen"))


def texts(tracker: Optional[DialogueStateTracker]) -> List[str]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, (UserUttered, BotUttered))]


def test_a_conversation_reads_back_as_it_was_written(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    tracker = DialogueStateTracker.from_events("anna", [ActionExecuted("action_listen")], DOMAIN.slots)
    turn(tracker, "hallo")
    asyncio.run(store.save(tracker))
    turn(tracker, "nog een vraag")
    asyncio.run(store.save(tracker))  # only the new events are appended

    back = asyncio.run(store.retrieve("anna"))
    assert texts(back) == ["hallo", "answer to hallo", "nog een vraag", "answer to nog een vraag"]
    assert back is not None and back.get_slot("language") == "nl"
    assert asyncio.run(store.retrieve("nobody")) is None
    # Rasa's own store reads the same rows: the table and its columns are Rasa's
    plain = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert texts(asyncio.run(plain.retrieve("anna"))) == texts(back)


def test_only_the_latest_session_unless_all_are_asked_for(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    tracker = DialogueStateTracker.from_events("ben", [SessionStarted(timestamp=1.0)], DOMAIN.slots)
    turn(tracker, "first session")
    tracker.update(SessionStarted())
    turn(tracker, "second session")
    asyncio.run(store.save(tracker))

    assert texts(asyncio.run(store.retrieve("ben"))) == ["second session", "answer to second session"]
    assert texts(asyncio.run(store.retrieve_full_tracker("ben")))[0] == "first session"


def test_sqlite_file_is_in_write_ahead_mode_and_queries_run_off_the_event_loop(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    threads = set()
    sa.event.listen(store.engine, "before_cursor_execute", lambda *_: threads.add(threading.get_ident()))
    tracker = DialogueStateTracker.from_events("cas", [ActionExecuted("action_listen")], DOMAIN.slots)
    turn(tracker, "hello")
    asyncio.run(store.save(tracker))
    asyncio.run(store.retrieve("cas"))

    assert threads and threading.get_ident() not in threads  # the loop's thread ran no query
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_concurrent_conversations_keep_their_own_events(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")

    async def talk(sender: str) -> None:
        tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")], DOMAIN.slots)
        for i in range(10):
            turn(tracker, f"{sender} {i}")
            await store.save(tracker)

    async def everyone() -> None:
        await asyncio.gather(*(talk(f"user{n}") for n in range(6)))

    asyncio.run(everyone())
    for n in range(6):
        said = [t for t in texts(asyncio.run(store.retrieve(f"user{n}"))) if not t.startswith("answer")]
        assert said == [f"user{n} {i}" for i in range(10)]


def test_postgresql_round_trip() -> None:
    with temporary_database("conversation_store") as url:
        parsed = make_url(url)
        store = ConversationStore(
            domain=DOMAIN,
            dialect="postgresql",
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
        )
        try:
            tracker = DialogueStateTracker.from_events("dora", [ActionExecuted("action_listen")], DOMAIN.slots)
            turn(tracker, "goeiemorgen")
            turn(tracker, "tot ziens")
            asyncio.run(store.save(tracker))
            assert texts(asyncio.run(store.retrieve("dora")))[::2] == ["goeiemorgen", "tot ziens"]
        finally:
            store.engine.dispose()


def test_rasa_builds_the_store_from_the_endpoints_file(tmp_path: Path) -> None:
    from rasa.core.tracker_store import create_tracker_store
    from rasa.utils.endpoints import EndpointConfig

    from staff_review.tracker_db import STORE_TYPE, tracker_store_section

    section = tracker_store_section(f"sqlite:///{tmp_path / 'rasa.db'}")
    assert section["type"] == STORE_TYPE
    config = EndpointConfig.from_dict(section)
    store = create_tracker_store(config, DOMAIN)
    # Rasa wraps it; an import error would silently give an in-memory store instead
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, ConversationStore)


def stored_conversation(store: ConversationStore, sender: str, *said: str) -> DialogueStateTracker:
    """A conversation written and read back once, as a server sees it from its second message on."""
    tracker = DialogueStateTracker.from_events(sender, [SessionStarted(timestamp=1.0)], DOMAIN.slots)
    for text in said:
        turn(tracker, text)
    asyncio.run(store.save(tracker))
    back = asyncio.run(store.retrieve(sender))
    assert back is not None
    return back


def test_a_remembered_conversation_is_not_read_from_its_rows_again(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    tracker = stored_conversation(store, "eva", "hallo")
    statements: List[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    turn(tracker, "tweede vraag")
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("eva"))

    assert again is tracker and texts(again)[-2:] == ["tweede vraag", "answer to tweede vraag"]
    assert not any("events.data" in sql for sql in statements), "no rows were parsed again"
    assert texts(asyncio.run(sqlite_store(tmp_path / "t.db").retrieve("eva"))) == texts(again)


def test_what_another_process_writes_or_erases_is_seen(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    stored_conversation(store, "fien", "hallo")
    other = sqlite_store(tmp_path / "t.db")  # a second Rasa process on the same database
    theirs = asyncio.run(other.retrieve("fien"))
    assert theirs is not None
    turn(theirs, "via het andere proces")
    asyncio.run(other.save(theirs))
    assert texts(asyncio.run(store.retrieve("fien")))[-2] == "via het andere proces"

    with store.engine.begin() as connection:  # `make erase ID=fien`
        connection.exec_driver_sql("DELETE FROM events WHERE sender_id = 'fien'")
    assert asyncio.run(store.retrieve("fien")) is None


def test_a_message_that_failed_half_way_is_not_remembered(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    tracker = stored_conversation(store, "gert", "hallo")
    tracker.update(UserUttered("this one crashed before it was saved", {"name": "greet", "confidence": 1.0}))
    back = asyncio.run(store.retrieve("gert"))
    assert back is not tracker and texts(back) == ["hallo", "answer to hallo"]


def test_a_new_session_is_read_from_its_start(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    tracker = stored_conversation(store, "hans", "first session")
    tracker.update(SessionStarted())
    turn(tracker, "second session")
    asyncio.run(store.save(tracker))
    assert texts(asyncio.run(store.retrieve("hans"))) == ["second session", "answer to second session"]


def test_the_cache_keeps_the_most_recent_conversations(tmp_path: Path) -> None:
    store = ConversationStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), cache_size=2)
    first = stored_conversation(store, "a", "hallo")
    stored_conversation(store, "b", "hallo")
    stored_conversation(store, "c", "hallo")
    assert store.cache.get("a") is None and store.cache.get("c") is not None
    assert asyncio.run(store.retrieve("a")) is not first  # read again, same events
    assert texts(asyncio.run(store.retrieve("a"))) == texts(first)
