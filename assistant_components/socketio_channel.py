"""The website chat's socket.io channel, where every conversation belongs to the browser that started it.

Rasa's SocketIOInput lets a client name any conversation (`session_request` with someone else's
`session_id`) and write into any conversation (`user_uttered` carries its own `session_id`): knowing or
guessing an id was enough to hear the bot's and the advisor's replies and to speak in them. This channel keeps
Rasa's URL (/socket.io), events and output channel ("socketio", which the desk's live replies use), but:

- the server draws the id of a new conversation and signs it (cases.conversation_ids); a client resumes a
  conversation only with that token;
- the conversation is bound to the socket at `session_request`; `user_uttered` speaks in the bound
  conversation only, never in one named by the payload;
- browsers are accepted from `allowed_origins` only (credentials.yml, else CHAT_ALLOWED_ORIGINS);
- a resumed conversation gets its history from the tracker store (`session_history`);
- when a service the message needs is down (conversation database, lock store), the user gets a polite
  "temporarily unavailable, please try again" as a bot message (`metadata.unavailable`), not silence.
- with `SOCKETIO_REDIS_URL` the rooms are shared by every Rasa process of the site (socketio_manager), so a
  reply sent by one process reaches a socket held by another; tokens are valid on every process that shares
  `CHAT_SECRET` (or `$VAR_DIR/chat_secret`).

The protocol is described in the README ("Conversation ownership").
"""

from __future__ import annotations

import inspect
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from assistant_components import server_guards
from assistant_components.chat_history import events_to_messages
from assistant_components.rest_channel import MAX_MESSAGE_LENGTH
from assistant_components.socketio_manager import client_manager_from_env
from assistant_components.socketio_output import AdvisorAwareSocketIOOutput
from assistant_components.tracker_store import fail_loudly
from assistant_components.unavailable import is_unavailable, unavailable_message
from cases.conversation_ids import chat_secret, is_valid_id, new_web_id, problem_with_id, sign, verify
from service_logging.context import bind_conversation

logger = logging.getLogger(__name__)

ORIGINS_ENV = "CHAT_ALLOWED_ORIGINS"
DEFAULT_ORIGINS = ["http://localhost:5070", "http://127.0.0.1:5070"]  # the demo website (WEBSITE_PORT)
BOUND = "conversation_id"  # key of the bound conversation in python-socketio's per-socket session


def allowed_origins_from_env() -> List[Text]:
    """CHAT_ALLOWED_ORIGINS (comma separated), else the demo website's addresses."""
    configured = [o.strip().rstrip("/") for o in os.environ.get(ORIGINS_ENV, "").split(",") if o.strip()]
    return configured or list(DEFAULT_ORIGINS)


def session_error(code: Text, message: Text) -> Dict[Text, Text]:
    """The body of a `session_error` event: a code for the widget, a sentence for people."""
    return {"code": code, "message": message}


class _AppAwareBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint that remembers the Sanic app, where Rasa keeps the agent (and its store)."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.app = app
        server_guards.install(app)  # the whole server's guards (the HTTP API's too): see server_guards
        super().register(app, options)


class OwnedSocketIOInput(SocketIOInput):
    """SocketIOInput in which conversations are drawn by the server and resumed only with their token."""

    @classmethod
    def name(cls) -> Text:
        """Rasa's socket.io name: the URL, the output channel and the widget's protocol stay the same."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Rasa's socket.io keys, plus `allowed_origins` (a list; default from CHAT_ALLOWED_ORIGINS)."""
        credentials = credentials or {}
        origins = credentials.get("allowed_origins")
        if isinstance(origins, str):
            origins = [o.strip() for o in origins.split(",") if o.strip()]
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            allowed_origins=origins,
        )

    def __init__(
        self,
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        namespace: Optional[Text] = None,
        session_persistence: bool = True,
        socketio_path: Optional[Text] = "/socket.io",
        jwt_key: Optional[Text] = None,
        jwt_method: Optional[Text] = "HS256",
        metadata_key: Optional[Text] = "metadata",
        allowed_origins: Optional[List[Text]] = None,
    ) -> None:
        super().__init__(
            user_message_evt,
            bot_message_evt,
            namespace,
            session_persistence,
            socketio_path,
            jwt_key,
            jwt_method,
            metadata_key,
        )
        if not session_persistence:
            # Without rooms a reloaded page would lose its conversation and the desk could not reach it.
            logger.warning("session_persistence: false is ignored: web conversations always live in a room.")
        self.session_persistence = True
        self.allowed_origins = allowed_origins
        self._secret: Optional[bytes] = None
        self._webhook: Optional[SocketBlueprint] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io server with the ownership checks (built when Rasa starts, not at import)."""
        origins = [o.rstrip("/") for o in (self.allowed_origins or allowed_origins_from_env())]
        self._secret = chat_secret()
        # Several Rasa processes share rooms through Redis (SOCKETIO_REDIS_URL); one process keeps them in memory.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins, client_manager=client_manager_from_env())
        webhook = _AppAwareBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # Rasa's get_output_channel sends the desk's messages through it
        self._webhook = webhook
        namespace = self.namespace

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            return self._token_accepted(auth)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            await self._start_or_resume(sio, webhook, sid, data)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            await self._receive(sio, sid, data, on_new_message)

        return webhook

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Where the desk's live replies go (`output_channel=socketio`): marked as the advisor's."""
        if self.sio is None:
            return super().get_output_channel()
        return AdvisorAwareSocketIOOutput(self.sio, self.bot_message_evt)

    def _token_accepted(self, auth: Optional[Dict]) -> bool:
        """Rasa's optional `jwt_key` check at connect time (which says nothing about conversations)."""
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        return bool(token and rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

    async def _start_or_resume(self, sio: AsyncServer, webhook: SocketBlueprint, sid: Text, data: Any) -> None:
        """Bind the socket to a new conversation, or to the one its token proves it owns."""
        fields = data if isinstance(data, dict) else {"session_id": data}
        requested, token = fields.get("session_id"), fields.get("token")
        if requested is None:
            conversation_id, resumed = new_web_id(), False
            token = sign(conversation_id, self._key())
        elif not is_valid_id(requested):
            await self._refuse(sio, sid, "invalid_id", problem_with_id(requested) or "")
            return
        elif not verify(requested, token, self._key()):
            message = "This conversation cannot be resumed without its token: start a new one."
            await self._refuse(sio, sid, "invalid_token", message)
            return
        else:
            conversation_id, resumed = requested, True
        await self._bind(sio, sid, conversation_id)
        confirmation = {"session_id": conversation_id, "token": token, "resumed": resumed}
        await sio.emit("session_confirm", confirmation, room=sid, namespace=self.namespace)
        if resumed:
            messages = await self._history(webhook, conversation_id)
            await sio.emit("session_history", {"messages": messages}, room=sid, namespace=self.namespace)

    async def _refuse(self, sio: AsyncServer, sid: Text, code: Text, message: Text) -> None:
        """Tell the socket why it gets no conversation; it joins nothing."""
        await sio.emit("session_error", session_error(code, message), room=sid, namespace=self.namespace)

    async def _bind(self, sio: AsyncServer, sid: Text, conversation_id: Text) -> None:
        """Join the conversation's room (leaving a previous one) and remember it for `user_uttered`."""
        session = await sio.get_session(sid, namespace=self.namespace)
        previous = session.get(BOUND)
        if previous and previous != conversation_id:
            await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
        # python-socketio 5.8 has a plain enter_room; later versions made it a coroutine.
        await _maybe_await(sio.enter_room(sid, conversation_id, namespace=self.namespace))
        session[BOUND] = conversation_id
        await sio.save_session(sid, session, namespace=self.namespace)

    async def _history(self, webhook: SocketBlueprint, conversation_id: Text) -> List[Dict[Text, Any]]:
        """The conversation so far from the tracker store, or [] when it cannot be read (the widget has a copy)."""
        app_context = getattr(getattr(webhook.ctx, "app", None), "ctx", None)
        tracker_store = getattr(getattr(app_context, "agent", None), "tracker_store", None)
        if tracker_store is None:
            return []
        try:
            tracker = await tracker_store.retrieve_full_tracker(conversation_id)
        except Exception:  # a reload must still work when the store is down
            logger.exception("Could not read the history of %s", conversation_id)
            return []
        if tracker is None:
            return []
        return events_to_messages([event.as_dict() for event in tracker.events])

    async def _receive(
        self,
        sio: AsyncServer,
        sid: Text,
        data: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Hand a user message to Rasa in the socket's own conversation, or refuse it."""
        session = await sio.get_session(sid, namespace=self.namespace)
        conversation_id = session.get(BOUND)
        claimed = data.get("session_id") if isinstance(data, dict) else None
        if not conversation_id or (claimed is not None and claimed != conversation_id):
            message = "Start or resume a conversation with session_request (and its token) before sending messages."
            await self._refuse(sio, sid, "no_session", message)
            return
        problem = _problem_with_message(data, self.metadata_key or "metadata")
        if problem:
            error = {"code": "invalid_message", "message": problem}
            await sio.emit("message_error", error, room=sid, namespace=self.namespace)
            return
        metadata = _metadata(data.get(self.metadata_key or "metadata"))
        bind_conversation(conversation_id)  # this message's log lines name its conversation
        output_channel = AdvisorAwareSocketIOOutput(sio, self.bot_message_evt)
        message = UserMessage(
            data["message"], output_channel, conversation_id, input_channel=self.name(), metadata=metadata
        )
        app = getattr(self._webhook.ctx, "app", None) if self._webhook else None
        fail_loudly(getattr(getattr(app, "ctx", None), "agent", None))
        try:
            await on_new_message(message)
        except Exception as error:
            if not is_unavailable(error):
                raise
            # The message was not processed: say so in the chat, as a bot message the widget shows.
            logger.warning("Message in %s not handled, a service is down: %s", conversation_id, error)
            apology = {"text": unavailable_message(metadata), "metadata": {"unavailable": True}}
            await sio.emit(self.bot_message_evt, apology, room=sid, namespace=self.namespace)

    def _key(self) -> bytes:
        if self._secret is None:
            self._secret = chat_secret()
        return self._secret


def _problem_with_message(data: Any, metadata_key: Text) -> Optional[Text]:
    """Why a `user_uttered` payload cannot be handled (the same limits as the REST channel), or None."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return "A message is a JSON object with a 'message' string."
    if len(data["message"]) > MAX_MESSAGE_LENGTH:
        return f"The message is too long: at most {MAX_MESSAGE_LENGTH} characters."
    if _metadata(data.get(metadata_key)) is None:
        return f"'{metadata_key}' must be a JSON object."
    return None


def _metadata(value: Any) -> Optional[Dict[Text, Any]]:
    """The message's metadata as a dict ({} when absent; Rasa's widgets may send it as a JSON string)."""
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result
