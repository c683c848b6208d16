"""User turns read from Rasa's SQL tracker store, each with how it went (the raw material of the review inbox).

Rasa writes one row per event to the table `events` (sender_id, type_name, timestamp, intent_name,
action_name, data); `data` is the event as JSON, as Rasa serialises it. The shapes relied on here, seen in
real rows written by the running servers (tests/integration/test_staff_review.py checks them):

- user message: `{"event": "user", "text", "parse_data": {"intent": {"name", "confidence"}, "entities",
  "intent_ranking"}, "metadata", "input_channel"}`;
- bot message: `{"event": "bot", "text", "metadata": {"utter_action": "utter_answer_closest", ...}}`: Rasa
  records the domain response a message came from in `metadata.utter_action`, for responses of the domain
  and for responses a custom action names (`dispatcher.utter_message(response=...)`);
- `{"event": "action", "name"}`, `{"event": "slot", "name", "value"}`, `{"event": "active_loop", "name"}`,
  `{"event": "pause"}` / `{"event": "resume"}` (an advisor took the conversation over, and gave it back).

A turn is one user message plus everything up to the next user message of the same conversation. Texts are
returned raw: redaction is the job of the inbox and of every export, which never skip it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set

from sqlalchemy import inspect
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine

from .tracker_db import tracker_engine_from_env

__all__ = ["Turn", "load_events", "load_turns", "split_turns", "tracker_engine_from_env", "OUTCOMES"]

OUTCOMES = ("fallback", "hedged", "declined", "handoff", "negative_feedback")
DEFAULT_LANGUAGE = "en"  # as actions.language.DEFAULT_LANGUAGE: a conversation is English until detected otherwise
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_handle_fallback"})
FALLBACK_RESPONSES = frozenset({"utter_please_rephrase", "utter_default"})
# answers the assistant itself frames as unsure: the nearest entry, a second guess, the general overview
HEDGED_RESPONSES = frozenset({"utter_answer_closest", "utter_answer_alternative", "utter_answer_not_specific"})
# declined as out of scope: mostly right, but an in-domain question the model missed ends here too
DECLINED_RESPONSES = frozenset({"utter_out_of_scope", "utter_out_of_scope_abroad", "utter_out_of_scope_abuse"})
HANDOFF_FORM = "handoff_form"
# handoff questions whose answers are personal (a name, an e-mail address or phone number, the case itself)
PERSONAL_QUESTIONS = frozenset({"contact_name", "contact", "case_summary"})
NEGATIVE_FEEDBACK_INTENT = "feedback_not_helpful"
# slots that say which topic a turn was about: the topic of the entry answered, the guided advice started
TOPIC_SLOTS: Dict[str, Dict[str, str]] = {
    "last_topic": {},
    "guide": {"financing": "financing", "cluster": "clusters", "permit": "permits", "startup": "startup"},
}


@dataclass
class Turn:
    """One user message with what the assistant understood and how the turn ended.

    `confidence` is the classifier's confidence in its best real intent: for `nlu_fallback` (whose own score
    is only the fallback threshold) it is the top score of the other intents, i.e. how unsure the model was.
    `form` and `requested_slot` are the form and question the user was answering, if any (see
    `personal_answer`); `paused` means an advisor had taken the conversation
    over (the user was talking to a person). `topics` are the knowledge topics the assistant answered from or
    guided on in this turn (the `last_topic` slot its answers set, the `guide` slot of guided advice).
    """

    sender_id: str
    timestamp: float
    text: str
    intent: str
    confidence: float
    entities: List[Dict[str, Any]]
    language: str
    outcomes: FrozenSet[str]
    bot_replies: List[str]
    responses: List[str] = field(default_factory=list)
    actions: List[str] = field(default_factory=list)
    form: Optional[str] = None
    requested_slot: Optional[str] = None
    paused: bool = False
    topics: List[str] = field(default_factory=list)


def personal_answer(form: Optional[str], requested_slot: Optional[str]) -> bool:
    """Whether a message answered a handoff question that asks for personal data (name, contact, summary).

    Such answers are never review material and never shown: no redactor recognises every name or story.
    """
    return form == HANDOFF_FORM and requested_slot in PERSONAL_QUESTIONS


def _epoch(moment: Optional[datetime]) -> Optional[float]:
    """Seconds since the epoch; a naive datetime is local time (as staff type dates)."""
    return None if moment is None else moment.timestamp()


def _has_events_table(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def load_events(engine: Engine, sender_id: str) -> List[Dict[str, Any]]:
    """Every event of one conversation, oldest first, as Rasa serialised it (the `data` JSON)."""
    if not _has_events_table(engine):
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            sql("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender_id}
        ).all()
    return [json.loads(row[0]) for row in rows if row[0]]


def _senders_active(engine: Engine, since: Optional[float], until: Optional[float]) -> List[str]:
    query = "SELECT DISTINCT sender_id FROM events WHERE type_name = 'user'"
    params: Dict[str, Any] = {}
    if since is not None:
        query += " AND timestamp >= :since"
        params["since"] = since
    if until is not None:
        query += " AND timestamp < :until"
        params["until"] = until
    with engine.connect() as connection:
        return sorted(row[0] for row in connection.execute(sql(query), params))


def _confidence(parse_data: Dict[str, Any]) -> float:
    intent = parse_data.get("intent") or {}
    if intent.get("name") != FALLBACK_INTENT:
        return float(intent.get("confidence") or 0.0)
    others = [
        float(r.get("confidence") or 0.0)
        for r in parse_data.get("intent_ranking") or []
        if r.get("name") != FALLBACK_INTENT
    ]
    return max(others, default=0.0)


def split_turns(sender_id: str, events: Iterable[Dict[str, Any]]) -> List[Turn]:
    """The user turns of one conversation, with language, outcomes and replies read from the events after each.

    The language is the `language` slot once the turn has run (the assistant detects it from the message
    itself, see actions/language.py). A turn gets "negative_feedback" when the next user message is
    `feedback_not_helpful`.
    """
    turns: List[Turn] = []
    language, paused = DEFAULT_LANGUAGE, False
    form: Optional[str] = None
    requested: Optional[str] = None
    current: Optional[Turn] = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if current is not None:
                current.language = language
                turns.append(current)
            parse_data = event.get("parse_data") or {}
            current = Turn(
                sender_id=sender_id,
                timestamp=float(event.get("timestamp") or 0.0),
                text=event.get("text") or "",
                intent=(parse_data.get("intent") or {}).get("name") or "",
                confidence=_confidence(parse_data),
                entities=[
                    {"entity": e.get("entity"), "value": e.get("value")} for e in parse_data.get("entities") or []
                ],
                language=language,
                outcomes=frozenset(),
                bot_replies=[],
                form=form,
                requested_slot=requested,
                paused=paused,
            )
        elif kind == "slot" and event.get("name") == "language" and event.get("value"):
            language = str(event["value"])
        elif kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "active_loop":
            form = event.get("name")
        elif kind in ("pause", "resume"):
            paused = kind == "pause"
        elif _starts_session(event) and current is not None:
            # a new session re-sets the carried-over slots (case_id, last_topic): not what the last turn did
            current.language = language
            turns.append(current)
            current = None
        if current is not None:
            _note_outcome(current, event)
    if current is not None:
        current.language = language
        turns.append(current)
    for turn, following in zip(turns, turns[1:], strict=False):
        if following.intent == NEGATIVE_FEEDBACK_INTENT:
            turn.outcomes = turn.outcomes | {"negative_feedback"}
    return turns


def _starts_session(event: Dict[str, Any]) -> bool:
    return event.get("event") == "session_started" or (
        event.get("event") == "action" and event.get("name") == "action_session_start"
    )


def _note_outcome(turn: Turn, event: Dict[str, Any]) -> None:
    """Update `turn` with one event that followed its user message."""
    kind = event.get("event")
    found: Set[str] = set()
    if kind == "user" and turn.intent == FALLBACK_INTENT:
        found.add("fallback")
    elif kind == "action":
        name = event.get("name") or ""
        if name != "action_listen":
            turn.actions.append(name)
        if name in FALLBACK_ACTIONS or name in FALLBACK_RESPONSES:
            found.add("fallback")
    elif kind == "bot":
        if event.get("text"):
            turn.bot_replies.append(event["text"])
        response = (event.get("metadata") or {}).get("utter_action")
        if response:
            turn.responses.append(response)
        if response in HEDGED_RESPONSES:
            found.add("hedged")
        if response in DECLINED_RESPONSES:
            found.add("declined")
        if response in FALLBACK_RESPONSES:
            found.add("fallback")
    elif kind == "slot" and event.get("name") in TOPIC_SLOTS and event.get("value"):
        topic = TOPIC_SLOTS[event["name"]].get(str(event["value"]), str(event["value"]))
        if topic not in turn.topics:
            turn.topics.append(topic)
    if (kind == "active_loop" and event.get("name") == HANDOFF_FORM) or (
        kind == "slot" and event.get("name") == "case_id" and event.get("value")
    ):
        found.add("handoff")
    if found:
        turn.outcomes = turn.outcomes | found


def load_turns(
    engine: Engine,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
    sender_id: Optional[str] = None,
) -> List[Turn]:
    """User turns written in [since, until) (naive datetimes are local time), oldest conversation first.

    Whole conversations are read, so that a turn's outcome can depend on what followed it even after `until`.

    Args:
        engine: The tracker store (see `tracker_engine_from_env`).
        since: Earliest message time, inclusive.
        until: Latest message time, exclusive.
        sender_id: Only this conversation.

    Returns:
        The turns, raw (not redacted), ordered by conversation and time.
    """
    if not _has_events_table(engine):
        return []
    start, end = _epoch(since), _epoch(until)
    senders = [sender_id] if sender_id is not None else _senders_active(engine, start, end)
    turns: List[Turn] = []
    for sender in senders:
        for turn in split_turns(sender, load_events(engine, sender)):
            if (start is None or turn.timestamp >= start) and (end is None or turn.timestamp < end):
                turns.append(turn)
    return turns
