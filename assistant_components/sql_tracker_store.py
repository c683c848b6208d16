"""Rasa's SQL tracker store, with its database work off the event loop and SQLite in WAL mode.

Rasa 3.6's `SQLTrackerStore` runs its queries synchronously inside `async` methods: while one conversation's
events are read or committed (an fsync on SQLite, a round trip on PostgreSQL), the Rasa server's event loop
waits, and so does every other conversation. This store runs the same queries, on the same `events` table, in a
worker thread, so the server goes on classifying other messages meanwhile. Rasa's lock store still lets only one
message per conversation through at a time, so a conversation's reads and writes stay in order.

On SQLite (the embedded default) each connection uses write-ahead logging with `synchronous=NORMAL`: a commit
appends to the log instead of rewriting the file with several fsyncs, which was the largest single cost of a
message in `make bench`'s profile. A crash of the process loses nothing; a power cut can lose the last
commits (PostgreSQL, the production store, is unchanged). `busy_timeout` lets a second process (the staff tools,
`make purge`) wait for a write instead of failing.

endpoints.yml: `tracker_store: type: assistant_components.sql_tracker_store.ConversationStore` with the same
keys as Rasa's `type: SQL` (dialect, url, port, db, username, password, query).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class ConversationStore(SQLTrackerStore):
    """`SQLTrackerStore` whose queries run in a worker thread; WAL mode on SQLite."""

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
