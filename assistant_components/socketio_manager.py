"""socket.io rooms shared by several Rasa processes through Redis (`SOCKETIO_REDIS_URL`), off by default.

A browser's socket lives in one Rasa process, but an advisor's reply (the desk calls Rasa's HTTP API) or the
bot's answer may be sent by another one. With `SOCKETIO_REDIS_URL` set, every emit is published on a Redis
channel and each process delivers it to the sockets it holds; unset, the server keeps its rooms in memory
(`make run`, one process). The channel name (`SOCKETIO_REDIS_CHANNEL`, default `socketio`) must be the same for
every process of one site and different between sites sharing a Redis.

python-socketio 5.8's `AsyncRedisManager` pickles its messages, so anyone who can publish on that Redis could
run code in the Rasa processes; `JsonRedisManager` sends JSON instead and never unpickles what it receives.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, AsyncIterator, Dict, Optional

from redis.exceptions import RedisError
from socketio import AsyncRedisManager

logger = logging.getLogger(__name__)

URL_VARIABLE = "SOCKETIO_REDIS_URL"
CHANNEL_VARIABLE = "SOCKETIO_REDIS_CHANNEL"
DEFAULT_CHANNEL = "socketio"


class JsonRedisManager(AsyncRedisManager):
    """AsyncRedisManager whose messages on Redis are JSON (Rasa's messages are JSON already)."""

    async def _publish(self, data: Dict[str, Any]) -> Any:
        payload = json.dumps(data)
        for attempt in (1, 2):
            try:
                return await self.redis.publish(self.channel, payload)
            except RedisError:
                logger.error("Cannot publish a socket.io message to Redis (attempt %d of 2).", attempt)
                self._redis_connect()
        return None

    async def _listen(self) -> AsyncIterator[Dict[str, Any]]:
        # A dict is taken as it is by AsyncPubSubManager._thread: nothing received is ever unpickled.
        async for raw in super()._listen():
            try:
                message = json.loads(raw)
            except (TypeError, ValueError):
                logger.warning("Ignored a socket.io message on Redis that is not JSON.")
                continue
            if isinstance(message, dict):
                yield message


def client_manager_from_env() -> Optional[JsonRedisManager]:
    """The Redis-backed manager when `SOCKETIO_REDIS_URL` is set, else None (python-socketio's in-memory one)."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"{URL_VARIABLE} must be a Redis URL such as redis://127.0.0.1:6379/0, not {url!r}")
    return JsonRedisManager(url, channel=os.environ.get(CHANNEL_VARIABLE) or DEFAULT_CHANNEL)
