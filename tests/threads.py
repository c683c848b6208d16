"""Running one worker in several threads at once, for the tests of shared stores under concurrency."""

from __future__ import annotations

import threading
from typing import Callable

JOIN_SECONDS = 120


def run_in_threads(worker: Callable[[], None], count: int) -> None:
    """Start `count` threads running `worker` and wait for all of them (at most JOIN_SECONDS each)."""
    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
