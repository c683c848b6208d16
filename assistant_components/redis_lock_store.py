"""Rasa's Redis lock store with its read-modify-write steps made atomic, for several Rasa processes.

Rasa 3.6's `RedisLockStore` reads a conversation's ticket queue, changes it in Python and writes it back
(issue a ticket, drop expired ones, finish one, delete the queue when nobody waits) without any transaction.
Two processes taking a ticket for the same conversation at the same moment both read the same queue and both
get the same number, so both handle their message at once and the conversation loses events
(tests/integration/test_two_processes.py caught it; tests/test_redis_lock_store.py shows it on the lock alone).
Here every such step runs under Redis `WATCH`/`MULTI`: when another process changed the queue in between, the
step is done again on the new queue. Waiting and the ticket rules stay Rasa's own.

Configured in the endpoints file as `lock_store: type: assistant_components.redis_lock_store.AtomicRedisLockStore`
with Rasa's keys (`url` for the host, `port`, `db`, `password`, ...): see serving/lock_store.py.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# A change of the queue: the queue as stored (None: none) -> (the queue to store, None to delete it; a result)
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket queue changes are Redis transactions (optimistic, retried on conflict)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa creates a lock store given by module path with its endpoint configuration only."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    @classmethod
    def from_parts(cls, **parts: Any) -> AtomicRedisLockStore:
        """The store for Rasa's keyword arguments (`host`, `port`, `db`, ...), as RedisLockStore takes them."""
        host = parts.pop("host", "localhost")
        return cls(EndpointConfig(url=host, **parts))

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Add a ticket to the conversation's queue (creating it) and return its number."""

        def add(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], int]:
            queue = lock or self.create_lock(conversation_id)
            return queue, queue.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, add)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        """Drop the expired tickets from the conversation's queue."""

        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        """Take the ticket out of the conversation's queue."""
        self._atomically(conversation_id, lambda lock: (_without(lock, ticket_number), None))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Take the ticket out, and delete the queue if nobody else waits, in one step."""

        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            rest = _without(lock, ticket_number)
            return (rest if rest is not None and rest.is_someone_waiting() else None), None

        self._atomically(conversation_id, finish)

    def _atomically(self, conversation_id: Text, change: Change[T]) -> T:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process changed the queue first: do it again on the new one


def _without(lock: Optional[TicketLock], ticket_number: int) -> Optional[TicketLock]:
    if lock is not None:
        lock.remove_ticket_for(ticket_number)
    return lock
