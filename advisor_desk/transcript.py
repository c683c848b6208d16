"""Turn Rasa tracker events into the transcript an advisor reads.

A pure function, separate from the HTTP client, so the mapping can be tested without a server.
"""

from __future__ import annotations

from typing import Any, Dict, List, TypedDict

SYSTEM_LINES = {"pause": "conversation paused", "resume": "bot resumed"}


class TranscriptLine(TypedDict):
    """One line of a transcript: who said it, what, and when."""
    who: str  # 'user' | 'bot' | 'advisor' | 'system'
    text: str
    at: float  # unix timestamp, as Rasa stores it


def events_to_transcript(events: List[Dict[str, Any]]) -> List[TranscriptLine]:
    """Keep what the entrepreneur saw or typed, plus pause/resume markers; drop bot internals.

    A pause while already paused (the action server pauses at hand-off, the desk again at
    claim) changes nothing for the advisor, so only changes of state are shown.
    """
    lines: List[TranscriptLine] = []
    paused = False
    for event in events:
        kind = event.get("event")
        at = float(event.get("timestamp") or 0.0)
        if kind == "user":
            lines.append({"who": "user", "text": event.get("text") or "", "at": at})
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            who = "advisor" if metadata.get("advisor") else "bot"
            lines.append({"who": who, "text": _bot_text(event), "at": at})
        elif kind in SYSTEM_LINES and (kind == "pause") != paused:
            paused = kind == "pause"
            lines.append({"who": "system", "text": SYSTEM_LINES[kind], "at": at})
    return lines


def _bot_text(event: Dict[str, Any]) -> str:
    """Bot text plus its button titles, since the user may answer by clicking one."""
    text = event.get("text") or ""
    buttons = (event.get("data") or {}).get("buttons") or []
    titles = [str(b.get("title", "")) for b in buttons if isinstance(b, dict)]
    if titles:
        text = f"{text} [{' | '.join(titles)}]".strip()
    return text
