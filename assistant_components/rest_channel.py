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

When a service the message needs is down (the conversation database, the lock store), the answer is a 503
with a polite `{"error": "... temporarily unavailable ..."}` and `Retry-After` (assistant_components/unavailable.py);
the message was not processed, so the caller sends it again later.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from cases.conversation_ids import is_valid_id, is_web_id, problem_with_id
from service_logging.context import bind_conversation

from . import server_guards
from .tracker_store import fail_loudly
from .unavailable import is_unavailable, unavailable_message

logger = logging.getLogger(__name__)
MAX_MESSAGE_LENGTH = 20_000
RETRY_AFTER_SECONDS = 10
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
    if body.get("input_channel") is not None and not isinstance(body["input_channel"], str):
        return "'input_channel' must be a string."
    return None


class _GuardingBlueprint(Blueprint):
    """A blueprint that installs the server-wide guards (server_guards) on the app it is registered on."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        server_guards.install(app)
        super().register(app, options)


class GuardedRestInput(RestInput):
    """RestInput that validates the body before Rasa sees it and says so when a service it needs is down."""

    @classmethod
    def name(cls) -> Text:
        """The channel keeps Rasa's REST name, so its URL is /webhooks/rest/webhook."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST routes (GET /, POST /webhook, `?stream=true`) with the body checks in front of them.

        Built here rather than taken from RestInput, whose handler swallows every error into an empty 200
        reply: when the conversation store or the lock store is down, the caller gets a 503 with a polite
        `error` (and `Retry-After`), and the message was not processed, so sending it again is safe.
        """
        blueprint = _GuardingBlueprint(f"custom_webhook_{type(self).__name__}")  # Rasa mounts it at /webhooks/rest
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
            except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested ~1000 deep
                return response.json({"error": "The request body is not valid UTF-8 JSON."}, status=400)
            problem = problem_with(body)
            if problem:
                return response.json({"error": problem}, status=400)
            if is_web_id(body["sender"]):
                return response.json({"error": WEB_CONVERSATION}, status=403)
            bind_conversation(body["sender"])  # this request's log lines name its conversation
            return None

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            fail_loudly(getattr(request.app.ctx, "agent", None))
            body = json.loads(request.body.decode("utf-8"))  # checked by check_body
            sender, text, metadata = body["sender"], body["message"], body.get("metadata")
            channel = body.get("input_channel") or self.name()
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
            except Exception as error:  # noqa: BLE001 - logged; the caller gets a sentence, never the error
                if is_unavailable(error):
                    logger.warning("Message for %s not handled, a service is down: %s", sender, error)
                    return response.json(
                        {"error": unavailable_message(metadata)},
                        status=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                    )
                logger.exception("Message for %s failed", sender)
            return response.json(collector.messages)

        return blueprint
