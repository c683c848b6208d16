"""PLACEHOLDER (helper PAGE's branch; helper INBOX writes the real module): user turns from Rasa's SQL tracker store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, FrozenSet, List, Optional

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine


@dataclass
class Turn:
    """One user message with what the assistant understood and how the turn ended."""

    sender_id: str
    timestamp: float
    text: str
    intent: str
    confidence: float
    entities: List[Dict[str, Any]]
    language: str
    outcomes: FrozenSet[str] = frozenset()
    bot_replies: List[str] = field(default_factory=list)


def read_events(engine: Engine, sender_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every stored event (with `sender_id`), oldest first; none when Rasa has not written yet."""
    if not inspect(engine).has_table("events"):
        return []
    query = "SELECT sender_id, data FROM events"
    params: Dict[str, Any] = {}
    if sender_id is not None:
        query += " WHERE sender_id = :sender_id"
        params["sender_id"] = sender_id
    with engine.connect() as conn:
        rows = conn.execute(text(query + " ORDER BY id"), params).all()
    return [{**json.loads(data), "sender_id": sid} for sid, data in rows]


def load_turns(
    engine: Engine,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
    sender_id: Optional[str] = None,
) -> List[Turn]:
    """User turns between `since` and `until` (raw text; callers redact)."""
    turns: List[Turn] = []
    language: Dict[str, str] = {}
    for event in read_events(engine, sender_id):
        sid = event["sender_id"]
        if event.get("event") == "slot" and event.get("name") == "language" and event.get("value"):
            language[sid] = str(event["value"])
        elif event.get("event") == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            turns.append(
                Turn(
                    sender_id=sid,
                    timestamp=float(event.get("timestamp") or 0),
                    text=event.get("text") or "",
                    intent=intent.get("name") or "",
                    confidence=float(intent.get("confidence") or 0.0),
                    entities=list(parse.get("entities") or []),
                    language=language.get(sid, "en"),
                )
            )
        elif event.get("event") == "bot" and turns and turns[-1].sender_id == sid:
            turns[-1].bot_replies.append(event.get("text") or "")
        elif event.get("event") == "action" and turns and turns[-1].sender_id == sid:
            name = event.get("name") or ""
            if name == "action_handle_fallback":
                turns[-1].outcomes = turns[-1].outcomes | {"fallback"}
            elif name == "action_finish_handoff":
                turns[-1].outcomes = turns[-1].outcomes | {"handoff"}
    low = since.timestamp() if since else float("-inf")
    high = until.timestamp() if until else float("inf")
    return [t for t in turns if low <= t.timestamp <= high]
