"""PLACEHOLDER (helper PAGE's branch; helper INBOX writes the real module): the review inbox from user turns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy.engine import Engine

from .conversations import Turn, read_events
from .redact import redact


@dataclass
class InboxFilter:
    """Which turns the reviewer wants to see."""

    since: Optional[datetime] = None
    until: Optional[datetime] = None
    intent: Optional[str] = None
    language: Optional[str] = None
    outcome: Optional[str] = None
    max_confidence: Optional[float] = None
    min_confidence: Optional[float] = None


@dataclass
class InboxItem:
    """Equal (redacted) messages grouped, with how often and how confidently they were understood."""

    key: str
    text: str
    language: str
    predicted_intent: str
    confidence: float
    count: int
    outcomes: List[str]
    last_seen: float
    examples: List[Dict[str, Any]] = field(default_factory=list)
    entities: List[Dict[str, Any]] = field(default_factory=list)


def _keep(turn: Turn, flt: InboxFilter) -> bool:
    return not (
        (flt.intent and turn.intent != flt.intent)
        or (flt.language and turn.language != flt.language)
        or (flt.outcome and flt.outcome not in turn.outcomes)
        or (flt.max_confidence is not None and turn.confidence > flt.max_confidence)
        or (flt.min_confidence is not None and turn.confidence < flt.min_confidence)
        or (flt.since and turn.timestamp < flt.since.timestamp())
        or (flt.until and turn.timestamp > flt.until.timestamp())
    )


def build_inbox(turns: Sequence[Turn], flt: InboxFilter) -> Tuple[List[InboxItem], int]:
    """Items most useful first (low confidence, then frequent), and how many messages were withheld."""
    groups: Dict[str, InboxItem] = {}
    sums: Dict[str, float] = {}
    withheld = 0
    for turn in turns:
        if not _keep(turn, flt):
            continue
        redaction = redact(turn.text)
        if redaction.withheld:
            withheld += 1
            continue
        normal = " ".join(redaction.text.lower().split())
        key = hashlib.sha1(f"{turn.language}:{normal}".encode()).hexdigest()[:16]
        item = groups.get(key)
        if item is None:
            item = groups[key] = InboxItem(key, redaction.text, turn.language, turn.intent, 0.0, 0, [], 0.0)
            sums[key] = 0.0
        item.count += 1
        sums[key] += turn.confidence
        item.confidence = sums[key] / item.count
        item.outcomes = sorted(set(item.outcomes) | turn.outcomes)
        item.last_seen = max(item.last_seen, turn.timestamp)
        item.examples.append({"sender_id": turn.sender_id, "timestamp": turn.timestamp})
    items = sorted(groups.values(), key=lambda i: (i.confidence, -i.count))
    return items, withheld


def conversation_context(engine: Engine, sender_id: str) -> List[Dict[str, Any]]:
    """The redacted transcript of one conversation: user and bot lines in order."""
    lines: List[Dict[str, Any]] = []
    for event in read_events(engine, sender_id):
        if event.get("event") not in ("user", "bot"):
            continue
        redaction = redact(event.get("text") or "")
        line: Dict[str, Any] = {
            "who": event["event"],
            "text": "[withheld]" if redaction.withheld else redaction.text,
            "timestamp": event.get("timestamp"),
        }
        if event["event"] == "user":
            line["intent"] = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        lines.append(line)
    return lines
