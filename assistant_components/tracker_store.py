"""The tracker store as this assistant needs it when its database goes away for a while.

Two things Rasa 3.6 does not do by itself:

- `ReconnectingSQLTrackerStore` (endpoints `type: assistant_components.tracker_store.ReconnectingSQLTrackerStore`,
  written by staff_review.tracker_db for server databases such as PostgreSQL) is Rasa's SQLTrackerStore with
  SQLAlchemy's `pool_pre_ping`: after the database was unreachable, pooled connections are dead, and without
  the ping the first message after its return would fail on one of them.
- `fail_loudly(agent)`: Rasa wraps every tracker store in a FailSafeTrackerStore that, when the store fails,
  carries on with an empty conversation kept in memory (the bot greets a returning user as a stranger, and
  what is said meanwhile is lost). Its documented error callback is set to raise `TrackerStoreUnavailable`
  when the database cannot be reached, so the channels answer "temporarily unavailable, please try again"
  (assistant_components/unavailable.py) and nothing is processed without the conversation's history. Other
  store errors (bugs, not outages) keep Rasa's behaviour, logged.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
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


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose connections are checked before use, so it recovers when its database is back."""

    engine: Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first = self.engine
        url = first.url
        first.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
