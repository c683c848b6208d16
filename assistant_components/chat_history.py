"""What a returning browser is shown of its conversation: tracker events as chat messages.

A pure function, apart from the socket.io channel that sends the result, so the mapping is tested without a
server. Only what the entrepreneur saw or typed is kept: user and bot utterances; a bot utterance an advisor
posted through the desk (metadata `advisor`) is shown as the advisor's.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

MAX_MESSAGES = 200  # a reload shows the recent part of a long conversation, not all of it


def events_to_messages(events: List[Dict[str, Any]], limit: int = MAX_MESSAGES) -> List[Dict[str, Any]]:
    """Chat messages `{"sender", "text", "buttons"?, "timestamp"}` for the user and bot events, oldest first.

    A click on a button is stored as its payload ("/affirm"); it is shown as the button's title, as the user
    saw it when clicking.
    """
    messages: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        timestamp = float(event.get("timestamp") or 0.0)
        if kind == "user":
            text = str(event.get("text") or "")
            messages.append({"sender": "user", "text": offered.get(text, text), "timestamp": timestamp})
        elif kind == "bot":
            message = _bot_message(event, timestamp)
            if message is not None:
                messages.append(message)
                offered = {str(b.get("payload")): str(b.get("title")) for b in message.get("buttons", [])}
    return messages[-limit:] if limit else messages


def _bot_message(event: Dict[str, Any], timestamp: float) -> Optional[Dict[str, Any]]:
    text = str(event.get("text") or "")
    data = event.get("data") or {}
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in (data.get("buttons") or data.get("quick_replies") or [])
        if isinstance(b, dict)
    ]
    if not text and not buttons:
        return None  # custom payloads without text: nothing a chat window can replay
    metadata = event.get("metadata") or {}
    message: Dict[str, Any] = {
        "sender": "advisor" if metadata.get("advisor") else "bot",
        "text": text,
        "timestamp": timestamp,
    }
    if buttons:
        message["buttons"] = buttons
    return message
