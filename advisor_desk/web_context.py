"""Typed access to what every handler needs: the engine, the Rasa client, the current advisor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Dict, ParamSpec, TypeVar

from aiohttp import web
from sqlalchemy.engine import Engine

from .rasa_client import RasaClient
from .retrain_runner import RetrainRunner

ENGINE = web.AppKey("engine", Engine)
RASA = web.AppKey("rasa", RasaClient)
TRACKER_ENGINE = web.AppKey("tracker_engine", Engine)  # Rasa's tracker store, read by the staff pages
RETRAIN = web.AppKey("retrain", RetrainRunner)
REPORTS_DIR = web.AppKey("reports_dir", Path)
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

    Password hashing and SQLite lock waits take real time; doing them inline would stall
    every other advisor's request.
    """
    return await asyncio.to_thread(func, *args, **kwargs)
