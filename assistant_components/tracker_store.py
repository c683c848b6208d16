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
  connections are dead, and without the ping the first message after its return would fail on one of them.

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
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine

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


SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class ConversationStore(SQLTrackerStore):
    """`SQLTrackerStore` whose queries run in a worker thread; WAL mode on SQLite."""

    engine: Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the store as Rasa's SQL store does; SQLite's pragmas, or pooled connections checked before use.

        After a server database was unreachable for a while its pooled connections are dead; without the
        check (`pool_pre_ping`) the first message after its return would fail on one of them.
        """
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            return
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the conversation's latest session (Rasa's query, off the event loop)."""
        return await asyncio.to_thread(self._read, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker with the events of every session (Rasa's query, off the event loop)."""
        return await asyncio.to_thread(self._read, conversation_id, True)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the events not stored yet (Rasa's rows, off the event loop)."""
        await self.stream_events(tracker)
        await asyncio.to_thread(self._write, tracker)

    def _read(self, sender_id: Text, all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=all_sessions).all()
            events = [json.loads(row.data) for row in rows]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _write(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            rows: List[SQLTrackerStore.SQLEvent] = []
            for event in self._additional_events(session, tracker):
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
            session.commit()
