"""Production mode's settings: the Redis lock store section Rasa reads, and the site `make run-prod` starts."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
import redis
import yaml

from serving import production
from serving.lock_store import STORE_CLASS as STORE
from serving.lock_store import lock_store_section, password_environment
from tests.servers import free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_a_redis_url_becomes_rasas_lock_store_section_without_its_password():
    assert lock_store_section("redis://127.0.0.1:6379/0") == {
        "type": STORE,
        "url": "127.0.0.1",
        "port": 6379,
        "db": 0,
    }
    assert lock_store_section("redis://cache.internal") == {
        "type": STORE,
        "url": "cache.internal",
        "port": 6379,
        "db": 0,
    }
    secret = lock_store_section("rediss://rasa:s%40cret@cache:6380/3")
    assert secret == {
        "type": STORE,
        "url": "cache",
        "port": 6380,
        "db": 3,
        "username": "rasa",
        "password": "${LOCK_STORE_PASSWORD}",
        "use_ssl": True,
    }
    assert password_environment("rediss://rasa:s%40cret@cache:6380/3") == {"LOCK_STORE_PASSWORD": "s@cret"}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://127.0.0.1/test", "redis://host:6379/0"),
        ("127.0.0.1:6379", "redis://host:6379/0"),
        ("redis://127.0.0.1:6379/zero", "is a number"),
        ("redis://127.0.0.1:port/0", "port"),
    ],
)
def test_a_wrong_lock_store_url_is_refused_with_a_reason(url, says):
    with pytest.raises(ValueError, match="LOCK_STORE_URL") as refused:
        lock_store_section(url)
    assert says in str(refused.value)


def test_rasa_reads_the_section_and_locks_conversations_on_redis(tmp_path: Path):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    from assistant_components.redis_lock_store import AtomicRedisLockStore

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"lock_store": lock_store_section(REDIS_URL)}))
    config = read_endpoint_config(str(endpoints), "lock_store")
    here, other_process = LockStore.create(config), LockStore.create(config)
    assert isinstance(here, AtomicRedisLockStore)
    conversation = f"lock-test-{uuid.uuid4().hex[:8]}"

    async def seen_by_the_other_process_while_held() -> bool:
        async with here.lock(conversation):
            lock = other_process.get_lock(conversation)
            # the other process finds the ticket in Redis: its own next ticket has to wait
            return lock is not None and lock.is_locked(lock.last_issued + 1)

    assert asyncio.run(seen_by_the_other_process_while_held()) is True
    assert other_process.get_lock(conversation) is None, "the lock is gone from Redis once released"


def test_production_defaults_put_every_store_on_one_postgresql_database_and_redis():
    site = production.from_env({})
    assert site.tracker_db_url == site.cases_db_url == site.knowledge_db_url == production.DEFAULT_DATABASE_URL
    assert site.lock_store_url == site.socketio_redis_url == production.DEFAULT_REDIS_URL
    assert (site.rasa_processes, site.action_workers) == (2, 2)
    env = site.environment()
    assert env["TRACKER_DB_URL"] == env["CASES_DB_URL"] == env["KNOWLEDGE_DB_URL"]
    assert env["LOCK_STORE_URL"] == env["SOCKETIO_REDIS_URL"] and env["ACTION_SERVER_SANIC_WORKERS"] == "2"


def test_production_settings_follow_the_environment():
    site = production.from_env(
        {
            "TRACKER_DB_URL": "postgresql://rasa@db:5432/conversations",
            "TRACKER_DB_PASSWORD": "pw",
            "CASES_DB_URL": "postgresql://desk:x@db/cases",
            "LOCK_STORE_URL": "redis://cache:6379/2",
            "RASA_PROCESSES": "3",
            "ACTION_WORKERS": "4",
        }
    )
    assert site.cases_db_url == "postgresql://desk:x@db/cases"
    assert site.knowledge_db_url == "postgresql://rasa:pw@db:5432/conversations"  # the tracker's, with its password
    assert site.socketio_redis_url == "redis://cache:6379/2"
    assert (site.rasa_processes, site.action_workers) == (3, 4)
    assert site.environment()["TRACKER_DB_URL"] == "postgresql://rasa@db:5432/conversations"
    assert production.rasa_process_ports(5005, 3, {}) == [5006, 5007, 5008]
    assert production.rasa_process_ports(5005, 2, {"RASA_PROCESS_PORTS": "6001, 6002"}) == [6001, 6002]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"RASA_PROCESSES": "0"}, "RASA_PROCESSES is a number of processes"),
        ({"ACTION_WORKERS": "two"}, "ACTION_WORKERS is a number of processes"),
    ],
)
def test_wrong_counts_are_refused_with_a_reason(env, says):
    with pytest.raises(ValueError, match=says):
        production.from_env(env)


@pytest.mark.parametrize("ports", ["6001", "6001,6001", "5005,6001", "a,b"])
def test_wrong_internal_ports_are_refused_with_a_reason(ports):
    with pytest.raises(ValueError, match="RASA_PROCESS_PORTS"):
        production.rasa_process_ports(5005, 2, {"RASA_PROCESS_PORTS": ports})


def test_stores_that_do_not_answer_are_named():
    closed = free_port()
    site = production.from_env(
        {
            "TRACKER_DB_URL": f"postgresql://postgres:hidden@127.0.0.1:{closed}/test",
            "LOCK_STORE_URL": f"redis://127.0.0.1:{closed}/0",
        }
    )
    problems = production.unreachable(site)
    assert len(problems) == 2
    assert any(
        p.startswith(
            f"The database postgresql://postgres:***@127.0.0.1:{closed}/test (TRACKER_DB_URL) cannot be reached"
        )
        for p in problems
    )
    assert any(
        p.startswith(f"Redis at redis://127.0.0.1:{closed}/0 (LOCK_STORE_URL) cannot be reached") for p in problems
    )
    assert not any("hidden" in p for p in problems)


def test_urls_that_are_not_urls_are_named_with_their_variable():
    site = production.from_env(
        {"TRACKER_DB_URL": "sqlite:///:memory:", "CASES_DB_URL": "cases-db", "SOCKETIO_REDIS_URL": "http://cache"}
    )
    problems = production.unreachable(site)
    assert "CASES_DB_URL is a database URL such as postgresql://" in problems[0]
    assert any(p.startswith("SOCKETIO_REDIS_URL must look like redis://host:6379/0") for p in problems)
    with pytest.raises(ValueError, match="TRACKER_DB_URL is a database URL"):
        production.from_env({"TRACKER_DB_URL": "nonsense", "TRACKER_DB_PASSWORD": "pw"})
