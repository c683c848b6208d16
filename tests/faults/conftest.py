"""One real stack for the fault tests, with every database and the lock store behind a forwarder they can cut.

Conversations, cases and knowledge are in a throw-away PostgreSQL database reached through `postgres` (a
TcpProxy in front of 127.0.0.1:5432); Rasa's lock store is Redis reached through `redis` (in front of
127.0.0.1:6379). Tests cut and restore the forwarders, kill or stop services, and must leave everything
running again (each restores in `finally`), so they may run in any order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
from sqlalchemy.engine import make_url

from tests.faults.tcp_proxy import TcpProxy
from tests.postgres_support import temporary_database
from tests.servers import Stack

REDIS = ("127.0.0.1", 6379)
POSTGRES = ("127.0.0.1", 5432)


@dataclass
class FaultStack:
    stack: Stack
    postgres: TcpProxy
    redis: TcpProxy


def require_redis() -> None:
    try:
        redis.Redis(*REDIS, socket_timeout=2).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS[0]}:{REDIS[1]}")


@pytest.fixture(scope="package")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    require_redis()
    postgres, redis_proxy = TcpProxy(POSTGRES).start(), TcpProxy(REDIS).start()
    with temporary_database("faults") as direct_url:
        url = make_url(direct_url).set(host="127.0.0.1", port=postgres.port).render_as_string(hide_password=False)
        workdir = tmp_path_factory.mktemp("faults")
        stack = Stack(
            workdir,
            tracker_db_url=url,
            website=True,
            lock_store_url=f"redis://127.0.0.1:{redis_proxy.port}/0",
            extra_env={"CASES_DB_URL": url, "KNOWLEDGE_DB_URL": url},
        )
        try:
            stack.start()
        except RuntimeError as error:
            stack.stop()
            raise RuntimeError(f"{error}\n--- rasa log\n{stack.rasa.log()[-4000:]}") from error
        try:
            yield FaultStack(stack, postgres, redis_proxy)
        finally:
            stack.stop()
            postgres.stop()
            redis_proxy.stop()


@pytest.fixture
def sender() -> str:
    return "fault-" + uuid.uuid4().hex[:12]
