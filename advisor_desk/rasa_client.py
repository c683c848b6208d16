"""Async client for the part of Rasa's HTTP API the desk needs.

Async (aiohttp) so a slow Rasa never blocks the desk's other requests. Every failure becomes
a `RasaError` with a sentence an advisor can act on, never a raw traceback. The token never goes into a URL:
each request carries a short-lived JWT signed with it (`Authorization: Bearer`, `service_secrets.rasa_auth`).
"""

from __future__ import annotations

import asyncio.exceptions
import os
from typing import Any, Dict, List, Optional

import aiohttp
from yarl import URL

from cases.conversation_ids import is_valid_id, problem_with_id
from service_logging.context import bind_conversation
from service_secrets.rasa_auth import auth_headers
from service_secrets.tokens import RASA_TOKEN

from .transcript import TranscriptLine, events_to_transcript

DEFAULT_RASA_URL = "http://localhost:5005"
CLIENT_NAME = "advisor_desk"


class RasaError(Exception):
    """Rasa answered, but not with what the desk asked for."""


class RasaUnavailable(RasaError):
    """Rasa could not be reached, timed out or failed (5xx)."""


class InvalidConversationId(RasaError):
    """The desk was asked about a conversation id that could address another conversation; nothing was sent."""


class RasaClient:
    """Talks to one Rasa server; reuse one instance (it keeps a connection pool)."""

    def __init__(
        self,
        base_url: str = DEFAULT_RASA_URL,
        token: Optional[str] = None,
        *,
        output_channel: str = "latest",
        timeout: float = 10.0,
    ) -> None:
        self.base_url = URL(base_url.rstrip("/"))
        self.token = token
        self.output_channel = output_channel
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    @classmethod
    def from_env(cls) -> RasaClient:
        """A client for RASA_URL (default http://localhost:5005) with the Rasa token (`service_secrets.tokens`)."""
        return cls(os.environ.get("RASA_URL") or DEFAULT_RASA_URL, RASA_TOKEN.find())

    async def close(self) -> None:
        """Close the connection pool (the desk does so when it shuts down)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def status(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Rasa's `/status` (the loaded model), which also proves the desk's token is accepted (health check)."""
        return await self._request("GET", self.base_url / "status", timeout=timeout)

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker (all events) from Rasa's HTTP API."""
        return await self._request("GET", self._tracker_url(conversation_id))

    async def transcript(self, conversation_id: str) -> List[TranscriptLine]:
        """The conversation as transcript lines (user, bot and advisor messages)."""
        tracker = await self.tracker(conversation_id)
        return events_to_transcript(tracker.get("events") or [])

    async def send_advisor_message(self, conversation_id: str, text: str, advisor_name: str) -> None:
        """Deliver an advisor's reply into the user's open chat, marked as the advisor's."""
        await self.send_bot_message(conversation_id, text, {"advisor": advisor_name})

    async def send_bot_message(
        self, conversation_id: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> None:
        """Post a bot utterance and have Rasa push it to the user's channel (side effects on)."""
        event: Dict[str, Any] = {"event": "bot", "text": text}
        if metadata:
            event["metadata"] = metadata
        await self._post_events(conversation_id, [event], deliver=True)

    async def pause(self, conversation_id: str) -> None:
        """Pause the bot in the conversation (an advisor holds it)."""
        await self._post_events(conversation_id, [{"event": "pause"}])

    async def resume(self, conversation_id: str) -> None:
        """Let the bot answer again in the conversation."""
        await self._post_events(conversation_id, [{"event": "resume"}])

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        """Set a slot of the conversation (the desk clears `case_id` on resolve)."""
        await self._post_events(conversation_id, [{"event": "slot", "name": name, "value": value}])

    def _tracker_url(self, conversation_id: str) -> URL:
        # Only checked ids become URLs: yarl keeps '/' and resolves '..', so `mallory/../victim-123` would
        # be sent as /conversations/victim-123/tracker and show (or write into) someone else's conversation.
        if not is_valid_id(conversation_id):
            raise InvalidConversationId(
                f"The conversation id {conversation_id[:40]!r} is not valid, so the desk will not look it up. "
                f"{problem_with_id(conversation_id)}"
            )
        bind_conversation(conversation_id)  # the desk's log lines for this request name the conversation
        return self.base_url / "conversations" / conversation_id / "tracker"

    async def _post_events(
        self,
        conversation_id: str,
        events: List[Dict[str, Any]],
        *,
        deliver: bool = False,
    ) -> None:
        params = {"execute_side_effects": "true", "output_channel": self.output_channel} if deliver else {}
        await self._request(
            "POST",
            self._tracker_url(conversation_id) / "events",
            params=params,
            json=events,
        )

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _request(
        self,
        method: str,
        url: URL,
        *,
        params: Optional[Dict[str, str]] = None,
        json: Any = None,
        timeout: Optional[float] = None,
    ) -> Any:
        headers = auth_headers(self.token, CLIENT_NAME) if self.token else {}
        limit = aiohttp.ClientTimeout(total=timeout) if timeout else self._timeout
        try:
            async with self._client().request(
                method, url, params=params, json=json, headers=headers, timeout=limit
            ) as response:
                if response.status >= 500:
                    raise RasaUnavailable(f"The assistant server failed (HTTP {response.status}). Try again shortly.")
                if response.status in (401, 403):
                    raise RasaError("The assistant server refused the desk's request: check RASA_TOKEN.")
                if response.status >= 400:
                    raise RasaError(f"The assistant server rejected the request (HTTP {response.status}).")
                return await response.json(content_type=None)
        # On Python 3.10 asyncio's TimeoutError (raised by aiohttp) is not the builtin one.
        except (aiohttp.ClientError, asyncio.exceptions.TimeoutError) as exc:
            raise RasaUnavailable(
                f"The assistant server at {self.base_url} cannot be reached. Try again shortly."
            ) from exc
        except ValueError as exc:
            raise RasaError("The assistant server sent an unreadable answer.") from exc
