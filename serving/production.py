"""Production mode (`make run-prod`): which stores and how many processes, from the environment.

Everything shared lives outside the processes, so any process can serve any conversation: conversations
(Rasa's SQL tracker store), cases and the knowledge store on PostgreSQL; conversation locks and the socket.io
rooms on Redis. Defaults suit one machine with PostgreSQL and Redis on their standard local ports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from cases.database import make_engine
from serving import lock_store
from staff_review import tracker_db

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_RASA_PROCESSES = 2
DEFAULT_ACTION_WORKERS = 2


@dataclass(frozen=True)
class Production:
    """The shared stores and the number of processes of one production site."""

    tracker_db_url: str
    cases_db_url: str
    knowledge_db_url: str
    lock_store_url: str
    socketio_redis_url: str
    rasa_processes: int
    action_workers: int

    def environment(self) -> Dict[str, str]:
        """The variables every service of the site is started with (passwords only as their own variables)."""
        return {
            tracker_db.URL_VARIABLE: self.tracker_db_url,
            "CASES_DB_URL": self.cases_db_url,
            "KNOWLEDGE_DB_URL": self.knowledge_db_url,
            lock_store.URL_VARIABLE: self.lock_store_url,
            "SOCKETIO_REDIS_URL": self.socketio_redis_url,
            "ACTION_SERVER_SANIC_WORKERS": str(self.action_workers),  # rasa-sdk's own variable
            **tracker_db.password_environment(self.tracker_db_url),
            **lock_store.password_environment(self.lock_store_url),
        }


def from_env(environ: Optional[Mapping[str, str]] = None) -> Production:
    """Read the site from the environment; the tracker's database is also the cases' and the knowledge's.

    Raises:
        ValueError: A count is not a whole number of at least one.
    """
    env = os.environ if environ is None else environ
    database = env.get(tracker_db.URL_VARIABLE) or DEFAULT_DATABASE_URL
    # the cases and the knowledge connect with the URL itself: give them the tracker's password too
    with_password = _with_password(database, env.get(tracker_db.PASSWORD_VARIABLE))
    redis_url = env.get(lock_store.URL_VARIABLE) or DEFAULT_REDIS_URL
    return Production(
        tracker_db_url=database,
        cases_db_url=env.get("CASES_DB_URL") or with_password,
        knowledge_db_url=env.get("KNOWLEDGE_DB_URL") or with_password,
        lock_store_url=redis_url,
        socketio_redis_url=env.get("SOCKETIO_REDIS_URL") or redis_url,
        rasa_processes=_count(env, "RASA_PROCESSES", DEFAULT_RASA_PROCESSES),
        action_workers=_count(env, "ACTION_WORKERS", DEFAULT_ACTION_WORKERS),
    )


def rasa_process_ports(public_port: int, count: int, environ: Optional[Mapping[str, str]] = None) -> List[int]:
    """Internal ports of the Rasa processes: RASA_PROCESS_PORTS (comma separated), else the ports after the public one.

    Raises:
        ValueError: RASA_PROCESS_PORTS does not name `count` different ports, or names the public one.
    """
    env = os.environ if environ is None else environ
    configured = env.get("RASA_PROCESS_PORTS")
    if not configured:
        return [public_port + step for step in range(1, count + 1)]
    try:
        ports = [int(p) for p in configured.split(",") if p.strip()]
    except ValueError as error:
        raise ValueError(f"RASA_PROCESS_PORTS is a comma-separated list of ports, not {configured!r}") from error
    if len(ports) != count or len(set(ports)) != count or public_port in ports:
        raise ValueError(
            f"RASA_PROCESS_PORTS must name {count} different ports (RASA_PROCESSES), other than RASA_PORT {public_port}"
        )
    return ports


def unreachable(site: Production) -> List[str]:
    """A sentence for each shared store that does not answer (empty when all do)."""
    problems = []
    tracker = _with_password(site.tracker_db_url, os.environ.get(tracker_db.PASSWORD_VARIABLE))
    databases = {tracker: tracker_db.URL_VARIABLE}
    databases.setdefault(site.cases_db_url, "CASES_DB_URL")
    databases.setdefault(site.knowledge_db_url, "KNOWLEDGE_DB_URL")
    redises = {site.lock_store_url: lock_store.URL_VARIABLE}
    redises.setdefault(site.socketio_redis_url, "SOCKETIO_REDIS_URL")
    for url, variable in databases.items():
        problems.append(_database_problem(url, variable))
    for url, variable in redises.items():
        problems.append(_redis_problem(url, variable))
    return [problem for problem in problems if problem]


def _with_password(url: str, password: Optional[str]) -> str:
    if not password:
        return url
    parsed = _parsed(url, tracker_db.URL_VARIABLE)
    return url if parsed.password else parsed.set(password=password).render_as_string(hide_password=False)


def _parsed(url: str, variable: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as error:
        raise ValueError(f"{variable} is a database URL such as {DEFAULT_DATABASE_URL}, not {url!r}") from error


def _database_problem(url: str, variable: str) -> Optional[str]:
    try:
        shown = _parsed(url, variable).render_as_string(hide_password=True)
        engine = make_engine(url)
    except ValueError as error:
        return str(error)
    try:
        with engine.connect():
            return None
    except Exception as error:  # noqa: BLE001 - any failure is reported the same way
        reason = str(error).strip().splitlines()[0][:200]
        return f"The database {shown} ({variable}) cannot be reached ({reason}). Start it, or set {variable}."
    finally:
        engine.dispose()


def _redis_problem(url: str, variable: str) -> Optional[str]:
    import redis

    try:
        lock_store.lock_store_section(url)
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
        return None
    except ValueError as error:
        return str(error).replace(lock_store.URL_VARIABLE, variable)
    except redis.RedisError as error:
        parts = urlsplit(url)
        shown = f"{parts.scheme}://{parts.hostname}:{parts.port or lock_store.DEFAULT_PORT}{parts.path}"  # no password
        return f"Redis at {shown} ({variable}) cannot be reached ({error}). Start it, or set {variable}."


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} is a number of processes (1 or more), not {value!r}")
    return int(value)
