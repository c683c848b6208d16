"""Login rate limit per account and per client address, so password guessing and login floods stop early.

Every attempt is counted before its password is checked (so a burst of parallel guesses cannot slip past)
and a successful one is taken back: what remains are the failures of the last WINDOW. An account or an
address with too many of them gets a 429 until the oldest one ages out; no hash is computed meanwhile.
Counts live in memory, per desk process: enough for the single desk process `make run` starts.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Deque, Dict, Optional, Tuple

WINDOW_SECONDS = 15 * 60.0
MAX_FAILURES_PER_ACCOUNT = 5  # the owner mistyping a few times still gets in
MAX_FAILURES_PER_ADDRESS = 20  # an office behind one NAT address shares this
MAX_KEYS = 10_000  # beyond this, forgotten keys are swept so a flood of made-up usernames stays bounded


class LoginLimiter:
    """Counts recent login failures per account and per address. Used from the event loop only."""

    def __init__(
        self,
        *,
        per_account: int = MAX_FAILURES_PER_ACCOUNT,
        per_address: int = MAX_FAILURES_PER_ADDRESS,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._attempts: Dict[str, Deque[float]] = {}

    @staticmethod
    def _keys(username: str, address: str) -> Tuple[str, str]:
        return f"account:{username.strip().casefold()}", f"address:{address}"

    def begin(self, username: str, address: str) -> Optional[int]:
        """Count an attempt and return None, or, if the account or address is over its limit, the seconds to wait."""
        now = self.clock()
        if len(self._attempts) > MAX_KEYS:
            self._sweep(now)
        account, by_address = self._keys(username, address)
        waits = (self._wait(account, self.per_account, now), self._wait(by_address, self.per_address, now))
        blocked = [wait for wait in waits if wait is not None]
        if blocked:
            return max(blocked)
        for key in (account, by_address):
            self._attempts.setdefault(key, deque()).append(now)
        return None

    def succeeded(self, username: str, address: str) -> None:
        """Take back the attempt `begin` counted: a successful login is not a failure."""
        for key in self._keys(username, address):
            attempts = self._attempts.get(key)
            if attempts:
                attempts.pop()
                if not attempts:
                    del self._attempts[key]

    def _wait(self, key: str, limit: int, now: float) -> Optional[int]:
        attempts = self._attempts.get(key)
        if attempts is None:
            return None
        while attempts and attempts[0] <= now - self.window:
            attempts.popleft()
        if len(attempts) < limit:
            return None
        return max(1, math.ceil(attempts[0] + self.window - now))

    def _sweep(self, now: float) -> None:
        stale = [key for key, attempts in self._attempts.items() if not attempts or attempts[-1] <= now - self.window]
        for key in stale:
            del self._attempts[key]
