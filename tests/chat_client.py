"""A socket.io chat client for the server tests: one browser tab of the website chat, in Python.

It speaks the website widget's protocol (README "Conversation ownership"): `session_request` for a new or a
resumed conversation, `user_uttered` with the message only, and it records every event the server sends.
"""

from __future__ import annotations

import queue
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import socketio

WEBSITE_ORIGIN = "http://localhost:5070"  # a browser on the demo site sends this Origin
SESSION_EVENTS = ("session_confirm", "session_error", "session_history")


class ChatClient:
    """A socket.io connection to Rasa; `start()` or `resume()` binds it to a conversation."""

    def __init__(
        self, rasa_url: str, origin: Optional[str] = WEBSITE_ORIGIN, transports: Sequence[str] = ("websocket",)
    ) -> None:
        self.session_id = ""
        self.token = ""
        self.received: "queue.Queue[dict]" = queue.Queue()
        self.session_events: "queue.Queue[Tuple[str, Any]]" = queue.Queue()
        self.message_errors: "queue.Queue[dict]" = queue.Queue()
        # websocket-client sends the server's own address as Origin unless told otherwise, as a browser would.
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
        self.sio.on("bot_uttered", self.received.put)
        self.sio.on("message_error", self.message_errors.put)
        for name in SESSION_EVENTS:
            self.sio.on(name, lambda data, name=name: self.session_events.put((name, data)))
        # long-polling requests carry the Origin header as a browser's would (websocket-client sets its own)
        headers = {"Origin": origin} if origin and "polling" in transports else {}
        self.sio.connect(
            rasa_url, socketio_path="/socket.io", transports=list(transports), headers=headers, wait_timeout=10
        )

    def request(self, body: Dict[str, Any], timeout: float = 10.0) -> Tuple[str, Any]:
        """Send `session_request`; the server's answer as (event name, data)."""
        self.sio.emit("session_request", body)
        return self.session_events.get(timeout=timeout)

    def start(self) -> "ChatClient":
        """Begin a new conversation (the server draws its id and token)."""
        event, data = self.request({})
        assert event == "session_confirm", (event, data)
        self.session_id, self.token = data["session_id"], data["token"]
        return self

    def resume(self, session_id: str, token: str) -> List[dict]:
        """Resume a conversation with its token; the messages of `session_history`."""
        event, data = self.request({"session_id": session_id, "token": token})
        assert event == "session_confirm" and data["resumed"] is True, (event, data)
        self.session_id, self.token = session_id, token
        event, history = self.session_events.get(timeout=10)
        assert event == "session_history", (event, history)
        return history["messages"]

    def send(self, message: str, **extra: Any) -> None:
        """Emit `user_uttered` without waiting for replies."""
        self.sio.emit("user_uttered", {"message": message, **extra})

    def say(self, message: str, wait: float = 15.0, quiet: float = 1.5) -> List[dict]:
        """Send a message; collect the bot's messages until none arrived for `quiet` seconds."""
        self.send(message)
        return self.collect(wait, quiet)

    def collect(self, wait: float, quiet: float) -> List[dict]:
        messages: List[dict] = []
        deadline = time.time() + wait
        while time.time() < deadline:
            try:
                messages.append(self.received.get(timeout=quiet if messages else max(0.1, deadline - time.time())))
            except queue.Empty:
                break
        return messages

    def drain(self) -> List[dict]:
        """Every bot message received so far and not yet collected."""
        messages = []
        while not self.received.empty():
            messages.append(self.received.get_nowait())
        return messages

    def close(self) -> None:
        self.sio.disconnect()
