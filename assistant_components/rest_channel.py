"""The REST channel, for server-to-server use, with the checks an endpoint needs.

Rasa's RestInput puts a request without `sender` into the shared conversation "default", where anyone
could read what others wrote, and answers malformed bodies with a stack trace in its log and a bare
error. This channel keeps the same URL (/webhooks/rest/webhook) and replies, and refuses such requests
with a clear 400 message instead.

The caller names the conversation (`sender`), so REST is meant for trusted servers (another front end,
a test harness), not for browsers: a sender must be a valid conversation id (cases.conversation_ids, so
`x/../victim` never reaches `victim`), and web conversations ("web-..."), which belong to the browser that
holds their token, are refused with 403. With REST_CHANNEL_TOKEN set (production mode) every call must also
carry `Authorization: Bearer <that token>` (else 401): the channel's own token, not the Rasa HTTP API's.
"""

from __future__ import annotations

import hmac
import json
import os
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from cases.conversation_ids import is_valid_id, is_web_id, problem_with_id
from service_logging.context import bind_conversation

MAX_MESSAGE_LENGTH = 20_000
TOKEN_ENV = "REST_CHANNEL_TOKEN"
WEB_CONVERSATION = (
    "Web conversations ('web-...') belong to the browser that started them; "
    "the REST channel is for server-to-server conversations with their own ids."
)


def authorised(request: Request, token: Optional[str]) -> bool:
    """Without a configured token every caller is (the embedded default); with one, only its bearers."""
    if not token:
        return True
    scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def problem_with(body: Any) -> Optional[str]:
    """Why a webhook body cannot be handled, or None if it is fine."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object with 'sender' and 'message'."
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a non-empty string that identifies the conversation."
    if not is_valid_id(sender):
        return f"'sender' is not a valid conversation id. {problem_with_id(sender)}"
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
        token = os.environ.get(TOKEN_ENV) or None  # read when the server starts, not at import

        @blueprint.middleware("request")
        async def check_body(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            if not authorised(request, token):
                return response.json(
                    {"error": "This channel needs its token: Authorization: Bearer <REST_CHANNEL_TOKEN>."},
                    status=401,
                )
            try:
                body = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return response.json({"error": "The request body is not valid UTF-8 JSON."}, status=400)
            problem = problem_with(body)
            if problem:
                return response.json({"error": problem}, status=400)
            if is_web_id(body["sender"]):
                return response.json({"error": WEB_CONVERSATION}, status=403)
            bind_conversation(body["sender"])  # this request's log lines name its conversation
            return None

        return blueprint
