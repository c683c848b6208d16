"""A TCP forwarder the fault tests control: put it between a service and its database, then cut and restore it.

It accepts on a free loopback port and forwards every connection to a target (PostgreSQL on 5432, Redis on
6379). `cut()` closes every open connection and stops listening, so new connections are refused at once, as
when the database host goes away; `restore()` listens on the same port again. Threads, not asyncio, so the
synchronous tests can drive it directly.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import List, Optional, Set, Tuple

BUFFER = 65536


class TcpProxy:
    """Forwards 127.0.0.1:<port> to `target`; `cut()` and `restore()` simulate an outage."""

    def __init__(self, target: Tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: Optional[socket.socket] = None
        self._sockets: Set[socket.socket] = set()
        self._lock = threading.Lock()
        self._threads: List[threading.Thread] = []
        self.connections_accepted = 0

    @property
    def address(self) -> Tuple[str, int]:
        return ("127.0.0.1", self.port)

    def start(self) -> "TcpProxy":
        """Listen on a free port (or the same port again after a cut)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)
        return self

    def cut(self) -> None:
        """Close every forwarded connection and refuse new ones until `restore()`."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        with self._lock:
            open_sockets, self._sockets = list(self._sockets), set()
        for sock in open_sockets:
            _close(sock)

    def restore(self) -> None:
        """Accept connections again, on the same port."""
        if self._listener is None:
            self.start()

    def stop(self) -> None:
        """Cut for good."""
        self.cut()

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def _spawn(self, target, *args) -> None:  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed by cut()
            if self._listener is not listener:
                _close(client)
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            self.connections_accepted += 1
            self._spawn(self._pipe, client, upstream)
            self._spawn(self._pipe, upstream, client)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(BUFFER)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.difference_update((source, sink))
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    """Shut the socket down both ways (so a peer blocked in recv wakes up), then close it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
