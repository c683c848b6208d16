"""Expired login sessions are deleted on a schedule, not only when someone logs in.

A quiet desk (a weekend, a holiday) would otherwise keep dead session rows for days. The first purge runs
at start, then every `DESK_SESSION_PURGE_SECONDS` (default 600); a database error is logged and retried
at the next tick, so one blip does not end the schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.engine import Engine

from . import accounts
from .web_context import ENGINE, run_db

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 600.0


def purge_interval() -> float:
    """Seconds between purges, from `DESK_SESSION_PURGE_SECONDS`."""
    return float(os.environ.get("DESK_SESSION_PURGE_SECONDS", DEFAULT_INTERVAL_SECONDS))


async def purge_forever(engine: Engine, interval: float) -> None:
    """Delete expired sessions now and every `interval` seconds until cancelled."""
    while True:
        try:
            removed = await run_db(accounts.purge_expired_sessions, engine)
            if removed:
                log.info("Purged %d expired desk sessions", removed)
        except Exception:
            log.exception("Purging expired desk sessions failed; trying again in %.0f s", interval)
        await asyncio.sleep(interval)


async def session_purger(app: web.Application) -> AsyncIterator[None]:
    """`app.cleanup_ctx` entry: the purge task lives as long as the desk serves."""
    task = asyncio.create_task(purge_forever(app[ENGINE], purge_interval()))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
