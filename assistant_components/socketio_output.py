"""The website chat's output: Rasa's socket.io messages, with an advisor's replies marked as the advisor's.

An advisor's reply is a bot utterance the desk posts with metadata `{"advisor": name}`; Rasa hands that
metadata to the output channel as keyword arguments, and its SocketIOOutput drops them. Here a text sent
with `advisor` goes out as `bot_uttered` `{"text": ..., "metadata": {"advisor": name}}`, so the widget can show
who is speaking while the advisor holds the conversation (the history marks it the same way after a reload).
"""

from __future__ import annotations

from typing import Any, Text

from rasa.core.channels.socketio import SocketIOOutput


class AdvisorAwareSocketIOOutput(SocketIOOutput):
    """SocketIOOutput that keeps the `advisor` of a message in its metadata."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Send a text (one message per paragraph, as Rasa does), marked when an advisor wrote it."""
        advisor = kwargs.get("advisor")
        if not advisor:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": {"advisor": str(advisor)}})
