"""Typed access to what every handler needs: the engine, the Rasa client, the current advisor."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, ParamSpec, TypeVar

from aiohttp import web
from sqlalchemy.engine import Engine

from .login_limit import LoginLimiter
from .rasa_client import RasaClient
from .retrain_runner import RetrainRunner

ENGINE = web.AppKey("engine", Engine)
RASA = web.AppKey("rasa", RasaClient)
TRACKER_ENGINE = web.AppKey("tracker_engine", Engine)  # Rasa's tracker store, read by the staff pages
RETRAIN = web.AppKey("retrain", RetrainRunner)
REPORTS_DIR = web.AppKey("reports_dir", Path)
LOGIN_LIMITER = web.AppKey("login_limiter", LoginLimiter)
HASH_POOL = web.AppKey("hash_pool", ThreadPoolExecutor)  # argon2 only; see run_hashing
ADVISOR = "advisor"  # request key, set by the auth middleware

P = ParamSpec("P")
T = TypeVar("T")


def engine(request: web.Request) -> Engine:
    """The case database of the app handling `request`."""
    return request.app[ENGINE]


def rasa(request: web.Request) -> RasaClient:
    """The Rasa client of the app handling `request`."""
    return request.app[RASA]


def tracker_engine(request: web.Request) -> Engine:
    """Rasa's tracker store (the conversations staff review)."""
    return request.app[TRACKER_ENGINE]


def current_advisor(request: web.Request) -> Dict[str, Any]:
    """The logged-in advisor set by the auth middleware."""
    return request[ADVISOR]


async def run_db(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking store call in a worker thread so the event loop keeps serving.

    SQLite lock waits and database round trips take real time; doing them inline would stall
    every other advisor's request. Password checks have their own pool: `run_hashing`.
    """
    return await asyncio.to_thread(func, *args, **kwargs)


async def run_hashing(request: web.Request, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a call that verifies a password (argon2, ~0.2 s of CPU) on the desk's own small hashing pool.

    On the shared pool of `run_db` a login flood would queue every advisor's database call behind the
    hashes; here it only queues other logins.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[HASH_POOL], functools.partial(func, *args, **kwargs))
