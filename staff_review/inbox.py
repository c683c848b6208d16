"""The review inbox: what entrepreneurs typed, redacted, grouped and ordered so that staff review the most useful first.

Every text is redacted before it is compared, grouped or shown; a text the redactor withholds (it still looks
personal) is counted and never shown. Left out on purpose: button clicks (`/intent` payloads say nothing about
how people write), answers to the handoff questions that ask for a name, contact details or the case itself
(no redactor recognises every name), and messages written while an advisor had taken the conversation over
(the user was talking to a person).

Near-duplicates: texts are normalised (case, accents, punctuation, digits, whitespace); equal normal forms
are one group, and groups of the same language whose word sets overlap with a Jaccard index of at least 0.8
are merged.

Order, most useful first, by `score = (1 + log2(count)) * ((1 - mean confidence) + mean badness)`, where a
turn's badness is the weight of its worst outcome: fallback 1.0, negative feedback 1.0, hedged answer 0.5,
declined as out of scope 0.5 (mostly right, but an in-domain question the model missed ends there too),
handoff 0.25 (often wanted: people ask for a person), none 0. A low-confidence or failed message counts most,
and frequency raises it logarithmically, so that one message typed fifty times does not bury every other.
Ties: the most recent first.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from sqlalchemy.engine import Engine

from actions.text import fold

from .conversations import Turn, load_events, personal_answer
from .redact import redact

JACCARD_MERGE = 0.8
OUTCOME_WEIGHTS = {"fallback": 1.0, "negative_feedback": 1.0, "hedged": 0.5, "declined": 0.5, "handoff": 0.25}
# bot responses that repeat the contact details a user gave in the handoff questions
CONTACT_ECHOING_RESPONSES = frozenset({"utter_case_waiting", "utter_case_callback", "utter_case_callback_later"})
WITHHELD_FORM_ANSWER = "[answer to the handoff questions: withheld]"
WITHHELD_ADVISOR_CHAT = "[conversation with an advisor: withheld]"
WITHHELD_PERSONAL = "[withheld: still looks personal after redaction]"
_DIGITS = re.compile(r"\d+")


@dataclass
class InboxFilter:
    """Which turns to review; None means no restriction. Dates: [since, until), naive = local time."""

    since: Optional[datetime] = None
    until: Optional[datetime] = None
    intent: Optional[str] = None
    language: Optional[str] = None
    outcome: Optional[str] = None
    max_confidence: Optional[float] = None
    min_confidence: Optional[float] = None

    def accepts(self, turn: Turn) -> bool:
        """Whether `turn` passes every criterion that is set."""
        checks = [
            self.since is None or turn.timestamp >= self.since.timestamp(),
            self.until is None or turn.timestamp < self.until.timestamp(),
            self.intent is None or turn.intent == self.intent,
            self.language is None or turn.language == self.language,
            self.outcome is None or self.outcome in turn.outcomes,
            self.max_confidence is None or turn.confidence <= self.max_confidence,
            self.min_confidence is None or turn.confidence >= self.min_confidence,
        ]
        return all(checks)


@dataclass
class InboxItem:
    """One group of near-identical messages to review (texts redacted)."""

    key: str
    text: str
    language: str
    predicted_intent: str
    confidence: float
    count: int
    outcomes: List[str]
    last_seen: float
    examples: List[Dict[str, Any]]
    entities: List[Dict[str, Any]]
    variants: List[str] = field(default_factory=list)
    score: float = 0.0


def normalise(text: str) -> str:
    """The comparable form of a message: lower case, no accents or punctuation, every number as 0, single spaces."""
    return " ".join(_DIGITS.sub("0", fold(text)).split())


def jaccard(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    """Overlap of two word sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def reviewable(turn: Turn) -> bool:
    """Whether a turn is a message worth reviewing at all (see the module docstring)."""
    text = turn.text.strip()
    return (
        bool(text)
        and not text.startswith("/")
        and not personal_answer(turn.form, turn.requested_slot)
        and not turn.paused
    )


@dataclass
class _Group:
    language: str
    words: FrozenSet[str]
    members: List[Tuple[Turn, str]] = field(default_factory=list)  # (turn, redacted text)


def _badness(turn: Turn) -> float:
    return max((OUTCOME_WEIGHTS.get(o, 0.0) for o in turn.outcomes), default=0.0)


def _item(group: _Group) -> InboxItem:
    turns = [turn for turn, _ in group.members]
    texts = Counter(text for _, text in group.members)
    forms = Counter(normalise(text) for _, text in group.members)
    latest = {text: max(t.timestamp for t, x in group.members if x == text) for text in texts}
    # the wording most people used: the most frequent normal form, then its most frequent (latest) spelling
    representative = max(texts, key=lambda text: (forms[normalise(text)], texts[text], latest[text]))
    count = len(turns)
    confidence = sum(t.confidence for t in turns) / count
    badness = sum(_badness(t) for t in turns) / count
    entities: List[Dict[str, Any]] = []
    for turn in turns:
        for entity in turn.entities:
            redacted = {"entity": entity.get("entity"), "value": redact(str(entity.get("value") or "")).text}
            if redacted not in entities:
                entities.append(redacted)
    digest = hashlib.sha1(f"{group.language}:{normalise(representative)}".encode("utf-8")).hexdigest()[:12]
    ordered = sorted(turns, key=lambda t: t.timestamp, reverse=True)
    return InboxItem(
        key=digest,
        text=representative,
        language=group.language,
        predicted_intent=Counter(t.intent for t in turns).most_common(1)[0][0],
        confidence=round(confidence, 4),
        count=count,
        outcomes=sorted({o for t in turns for o in t.outcomes}),
        last_seen=ordered[0].timestamp,
        examples=[{"sender_id": t.sender_id, "timestamp": t.timestamp} for t in ordered],
        entities=entities,
        variants=sorted(text for text in texts if text != representative),
        score=round((1 + math.log2(count)) * ((1 - confidence) + badness), 4),
    )


def build_inbox(turns: List[Turn], flt: InboxFilter) -> Tuple[List[InboxItem], int]:
    """Group and order the turns that pass `flt`.

    Args:
        turns: Raw turns (see `conversations.load_turns`).
        flt: The staff member's filter.

    Returns:
        The items, most useful first, and how many messages were withheld by the redactor.
    """
    withheld = 0
    exact: Dict[Tuple[str, str], _Group] = {}
    for turn in turns:
        if not reviewable(turn) or not flt.accepts(turn):
            continue
        redaction = redact(turn.text)
        if redaction.withheld:
            withheld += 1
            continue
        form = normalise(redaction.text)
        group = exact.setdefault((turn.language, form), _Group(turn.language, frozenset(form.split())))
        group.members.append((turn, redaction.text))
    merged: List[_Group] = []
    for group in sorted(exact.values(), key=lambda g: -len(g.members)):
        home = next(
            (m for m in merged if m.language == group.language and jaccard(m.words, group.words) >= JACCARD_MERGE),
            None,
        )
        if home is None:
            merged.append(group)
        else:
            home.members.extend(group.members)
    items = [_item(group) for group in merged]
    items.sort(key=lambda item: (-item.score, -item.last_seen))
    return items, withheld


def conversation_context(engine: Engine, sender_id: str) -> List[Dict[str, Any]]:
    """The redacted transcript of one conversation, for reviewing a message in its context.

    User messages are redacted (withheld ones are marked, not shown); answers to the handoff questions,
    the case confirmations that repeat them, and everything said while an advisor had the conversation are
    replaced by a marker.

    Returns:
        `[{"who": "user"|"bot", "text", "timestamp", "withheld", "intent"? (user), "response"? (bot)}]`.
    """
    transcript: List[Dict[str, Any]] = []
    form: Optional[str] = None
    requested: Optional[str] = None
    paused = False
    for event in load_events(engine, sender_id):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "active_loop":
            form = event.get("name")
        elif kind in ("pause", "resume"):
            paused = kind == "pause"
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            text, hidden = _shown(event.get("text") or "", personal_answer(form, requested), paused)
            transcript.append(
                {"who": "user", "text": text, "intent": intent, "timestamp": event.get("timestamp"), "withheld": hidden}
            )
        elif kind == "bot" and event.get("text"):
            response = (event.get("metadata") or {}).get("utter_action")
            text, hidden = _shown(event["text"], response in CONTACT_ECHOING_RESPONSES, paused and not response)
            transcript.append(
                {
                    "who": "bot",
                    "text": text,
                    "response": response,
                    "timestamp": event.get("timestamp"),
                    "withheld": hidden,
                }
            )
    return transcript


def _shown(text: str, contact_details: bool, advisor_chat: bool) -> Tuple[str, bool]:
    """What may be shown of one message, and whether something was withheld."""
    if contact_details:
        return WITHHELD_FORM_ANSWER, True
    if advisor_chat:
        return WITHHELD_ADVISOR_CHAT, True
    redaction = redact(text)
    if redaction.withheld:
        return WITHHELD_PERSONAL, True
    return redaction.text, False
