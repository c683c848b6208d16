"""The public Rasa port of production mode: a small reverse proxy in front of several Rasa server processes.

Plain HTTP (REST channel, HTTP API) is spread round-robin over the processes, which share the tracker store
(PostgreSQL) and the lock store (Redis), so any process can serve any conversation. socket.io is different:
an engine.io session lives in the process that opened it, so every request of a long-polling session goes to
that process (`routing.SessionRoutes`, keyed by the `sid` the handshake returned) and a websocket is piped
to one process for its whole life. Which process holds a browser's socket does not matter for replies: the
processes share socket.io rooms through Redis (assistant_components/socketio_manager.py).
"""
