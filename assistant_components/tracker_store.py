"""The tracker store as this assistant needs it: off the event loop, and honest when its database goes away.

`ConversationStore` (endpoints `type: assistant_components.tracker_store.ConversationStore`, same keys as
Rasa's `type: SQL`; staff_review.tracker_db writes it for every database) is Rasa's `SQLTrackerStore` with:

- its queries in a worker thread: Rasa 3.6 runs them synchronously inside `async` methods, so while one
  conversation's events were read or committed (an fsync on SQLite, a round trip on PostgreSQL) the server's
  event loop, and every other conversation, waited. Rasa's lock store still lets one message per conversation
  through at a time, so a conversation's reads and writes stay in order;
- SQLite (the embedded default) in write-ahead mode with `synchronous=NORMAL`: a commit appends to the log
  instead of rewriting the file with several fsyncs, the largest single cost of a message in `make bench`'s
  profile. A crash of the process loses nothing; a power cut can lose the last commits. `busy_timeout` lets a
  second process (the staff tools, `make purge`) wait for a write instead of failing;
- server databases (PostgreSQL) with SQLAlchemy's `pool_pre_ping`: after the database was unreachable, pooled
  connections are dead, and without the ping the first message after its return would fail on one of them;
- the conversations it read recently kept in memory (`ConversationCache`): Rasa reads a conversation's rows,
  parses their JSON and replays every event of the session for each message, and counts the stored rows
  again before each write; a remembered conversation is checked with one indexed query instead (the id of
  its newest row and its number of rows), so another process's writes, `make erase` and `make purge` are
  seen, and it is read afresh whenever the check fails.

`fail_loudly(agent)`: Rasa wraps every tracker store in a FailSafeTrackerStore that, when the store fails,
carries on with an empty conversation kept in memory (the bot greets a returning user as a stranger, and what
is said meanwhile is lost). Its documented error callback is set to raise `TrackerStoreUnavailable` when the
database cannot be reached, so the channels answer "temporarily unavailable, please try again"
(assistant_components/unavailable.py) and nothing is processed without the conversation's history. Other store
errors (bugs, not outages) keep Rasa's behaviour, logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine

from cases.database import use_write_ahead_log

from .unavailable import TrackerStoreUnavailable, is_connection_error

logger = logging.getLogger(__name__)


def _raise_unavailable(error: Exception) -> None:
    """FailSafeTrackerStore's error callback: raise for an outage; for anything else, Rasa's own fallback."""
    if is_connection_error(error):
        raise TrackerStoreUnavailable(f"The conversation store is unavailable: {type(error).__name__}") from error
    logger.error(
        "The tracker store failed (%s: %s); Rasa falls back to memory for this call.", type(error).__name__, error
    )


def fail_loudly(agent: Any) -> None:
    """Make the agent's tracker store raise `TrackerStoreUnavailable` instead of silently using memory.

    Idempotent and cheap: the channels call it for every message, because a model activated through the
    HTTP API comes with a new agent (and a new FailSafeTrackerStore).
    """
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore) and store._on_tracker_store_error is not _raise_unavailable:
        store._on_tracker_store_error = _raise_unavailable


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    use_write_ahead_log(cursor, busy_timeout_ms=5000)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# (id of the conversation's newest row, number of its rows): changes with every write, erase or purge
Fingerprint = Tuple[Optional[int], int]


@dataclass
class Remembered:
    """A conversation as this process last read or wrote it."""

    tracker: DialogueStateTracker
    stored: int  # how many of `tracker.events` are rows in the database
    fingerprint: Fingerprint


class ConversationCache:
    """The latest session of recently active conversations, least recently used dropped first.

    A remembered tracker is handed out only while it has exactly the events that are stored: one whose
    message failed half-way (events added, never saved) is read afresh. Rasa's lock store lets one message
    per conversation through at a time, so only that message's handler changes the tracker it was given.
    Touched only on the event loop (never from the worker threads).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: "OrderedDict[Text, Remembered]" = OrderedDict()

    def get(self, sender_id: Text) -> Optional[Remembered]:
        """The remembered conversation, if it is still as stored."""
        entry = self._entries.get(sender_id)
        if entry is None or len(entry.tracker.events) != entry.stored:
            return None
        self._entries.move_to_end(sender_id)
        return entry

    def owner_of(self, tracker: DialogueStateTracker) -> Optional[Remembered]:
        """The entry of this very tracker object (what `save` can trust about its stored events)."""
        entry = self._entries.get(tracker.sender_id)
        return entry if entry is not None and entry.tracker is tracker else None

    def put(self, tracker: DialogueStateTracker, fingerprint: Fingerprint) -> None:
        """Remember the tracker as stored in full."""
        if self.size <= 0:
            return
        self._entries[tracker.sender_id] = Remembered(tracker, len(tracker.events), fingerprint)
        self._entries.move_to_end(tracker.sender_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, sender_id: Text) -> None:
        """Drop a conversation (its next read goes to the database)."""
        self._entries.pop(sender_id, None)


def starts_a_session(events: List[Any]) -> bool:
    """Whether new events open a session: the database then reads the conversation from a new start."""
    return any(isinstance(event, SessionStarted) for event in events)


class ConversationStore(SQLTrackerStore):
    """`SQLTrackerStore` whose queries run in a worker thread, with recent conversations remembered."""

    engine: Engine

    def __init__(self, *args: Any, cache_size: int = 1000, **kwargs: Any) -> None:
        """Create the store as Rasa's SQL store does; SQLite's pragmas, or pooled connections checked before use.

        After a server database was unreachable for a while its pooled connections are dead; without the
        check (`pool_pre_ping`) the first message after its return would fail on one of them.
        `cache_size` (endpoints.yml, default 1000; 0 turns it off): how many conversations to remember.
        """
        super().__init__(*args, **kwargs)
        self.cache = ConversationCache(int(cache_size))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            return
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the conversation's latest session: remembered if unchanged, else Rasa's query."""
        remembered = self.cache.get(sender_id)
        if remembered is not None:
            if await asyncio.to_thread(self._fingerprint_of, sender_id) == remembered.fingerprint:
                return remembered.tracker
            self.cache.forget(sender_id)
        tracker, fingerprint = await asyncio.to_thread(self._read, sender_id, False)
        if tracker is not None:
            self.cache.put(tracker, fingerprint)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker with the events of every session (Rasa's query, off the event loop; not remembered)."""
        tracker, _ = await asyncio.to_thread(self._read, conversation_id, True)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the events not stored yet (Rasa's rows, off the event loop), and remember the result.

        For a tracker this store handed out, the events not stored yet are known; any other tracker (a
        new conversation, one replaced through the HTTP API) is compared with the rows as Rasa does. A tracker
        whose new events open a session is not remembered: the database reads it from the new start.
        """
        await self.stream_events(tracker)
        remembered = self.cache.owner_of(tracker)
        new_events: Optional[List[Any]] = None
        known: Optional[Tuple[List[Any], Fingerprint]] = None
        if remembered is not None:
            new_events = list(tracker.events)[remembered.stored :]
            known = (new_events, remembered.fingerprint)
        fingerprint = await asyncio.to_thread(self._write, tracker, known)
        if new_events is not None and fingerprint is not None and not starts_a_session(new_events):
            self.cache.put(tracker, fingerprint)
        else:
            self.cache.forget(tracker.sender_id)

    def _fingerprint_of(self, sender_id: Text) -> Fingerprint:
        with self.session_scope() as session:
            return self._fingerprint(session, sender_id)

    def _fingerprint(self, session: Any, sender_id: Text) -> Fingerprint:
        newest, count = (
            session.query(sa.func.max(self.SQLEvent.id), sa.func.count(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .one()
        )
        return newest, int(count)

    def _read(self, sender_id: Text, all_sessions: bool) -> Tuple[Optional[DialogueStateTracker], Fingerprint]:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=all_sessions).all()
            events = [json.loads(row.data) for row in rows]
            fingerprint = self._fingerprint(session, sender_id)
        if not (self.domain and events):
            return None, fingerprint
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots), fingerprint

    def _write(
        self, tracker: DialogueStateTracker, known: Optional[Tuple[List[Any], Fingerprint]]
    ) -> Optional[Fingerprint]:
        """Insert the new rows; the conversation's fingerprint afterwards, when it is known without a query.

        `known`: (the events not stored yet, fingerprint before them), for a tracker this store handed out.
        """
        with self.session_scope() as session:
            new_events: Any = known[0] if known is not None else self._additional_events(session, tracker)
            rows: List[SQLTrackerStore.SQLEvent] = []
            for event in new_events:
                data = event.as_dict()
                rows.append(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.add_all(rows)
            session.flush()  # assigns the ids (reading them after the commit would query them again)
            newest = rows[-1].id if rows else None
            session.commit()
        if known is None:
            return None
        if newest is None:
            return known[1]
        return newest, known[1][1] + len(rows)
