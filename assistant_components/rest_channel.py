"""The REST channel, with the checks a public endpoint needs.

Rasa's RestInput puts a request without `sender` into the shared conversation "default", where anyone
could read what others wrote, and answers malformed bodies with a stack trace in its log and a bare
error. This channel keeps the same URL (/webhooks/rest/webhook) and replies, and refuses such requests
with a clear 400 message instead.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

MAX_SENDER_LENGTH = 200
MAX_MESSAGE_LENGTH = 20_000


def problem_with(body: Any) -> Optional[str]:
    """Why a webhook body cannot be handled, or None if it is fine."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object with 'sender' and 'message'."
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a non-empty string that identifies the conversation."
    if len(sender) > MAX_SENDER_LENGTH or any(ord(c) < 32 for c in sender):
        return f"'sender' must be at most {MAX_SENDER_LENGTH} printable characters."
    message = body.get("message")
    if not isinstance(message, str):
        return "'message' is required and must be a string."
    if len(message) > MAX_MESSAGE_LENGTH:
        return f"'message' is too long: at most {MAX_MESSAGE_LENGTH} characters."
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return "'metadata' must be a JSON object."
    return None


class GuardedRestInput(RestInput):
    """RestInput that validates the body before Rasa sees it."""

    @classmethod
    def name(cls) -> Text:
        """The channel keeps Rasa's REST name, so its URL is /webhooks/rest/webhook."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST blueprint with the body checks in front of it."""
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def check_body(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                body = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return response.json({"error": "The request body is not valid UTF-8 JSON."}, status=400)
            problem = problem_with(body)
            if problem:
                return response.json({"error": problem}, status=400)
            return None

        return blueprint
