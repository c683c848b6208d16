"""Which Rasa process a request goes to: round-robin, except for the requests of a known engine.io session."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

# engine.io's open packet (`0{"sid":"...","upgrades":[...],...}`), the answer to a long-polling handshake
_SID_IN_HANDSHAKE = re.compile(rb'"sid"\s*:\s*"([^"]{1,128})"')


def sid_in_handshake(body: bytes) -> Optional[str]:
    """The engine.io session id announced in a handshake response body, or None."""
    match = _SID_IN_HANDSHAKE.search(body[:2048])
    return match.group(1).decode("ascii", "replace") if match else None


@dataclass
class SessionRoutes:
    """engine.io session id -> index of the process that holds it, forgotten after `idle_seconds` unused.

    A long-polling client sends a request at least every ping interval (25 s by default), so a session idle
    for minutes has ended (or moved to a websocket, which needs no routing once it is open).
    """

    idle_seconds: float = 300.0
    _routes: Dict[str, Tuple[int, float]] = field(default_factory=dict)

    def remember(self, sid: str, backend: int) -> None:
        """Route `sid` to `backend` from now on."""
        self._prune()
        self._routes[sid] = (backend, time.monotonic())

    def lookup(self, sid: str) -> Optional[int]:
        """The process holding `sid` (and mark the session as in use), or None when unknown."""
        route = self._routes.get(sid)
        if route is None:
            return None
        self._routes[sid] = (route[0], time.monotonic())
        return route[0]

    def __len__(self) -> int:
        return len(self._routes)

    def _prune(self) -> None:
        oldest = time.monotonic() - self.idle_seconds
        for sid in [s for s, (_, seen) in self._routes.items() if seen < oldest]:
            del self._routes[sid]


class Router:
    """Round-robin over the backends; a known engine.io session always goes to its own backend."""

    def __init__(self, backends: List[str], idle_seconds: float = 300.0) -> None:
        if not backends:
            raise ValueError("The proxy needs at least one Rasa server to send requests to.")
        self.backends = [b.rstrip("/") for b in backends]
        self.sessions = SessionRoutes(idle_seconds)
        self._turn: Iterator[int] = itertools.cycle(range(len(self.backends)))

    def candidates(self, sid: Optional[str]) -> List[int]:
        """Backends to try, in order: only the session's own one for a known `sid`, else all, starting round-robin.

        An unknown `sid` (the proxy restarted, or the session expired) goes round-robin too: the Rasa process
        answers that the session is unknown and the client opens a new one.
        """
        if sid is not None:
            known = self.sessions.lookup(sid)
            if known is not None:
                return [known]
        first = next(self._turn)
        return [(first + step) % len(self.backends) for step in range(len(self.backends))]
