"""The conversation the current request is about, for the logs (a context variable: one per request task)."""

from __future__ import annotations

import contextvars
from typing import Optional

_conversation_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("conversation_id", default=None)


def bind_conversation(conversation_id: Optional[str]) -> None:
    """Name the conversation the rest of this request (task) is about; its log lines carry the id."""
    _conversation_id.set(conversation_id)


def current_conversation() -> Optional[str]:
    """The conversation the current request is about, or None."""
    return _conversation_id.get()
