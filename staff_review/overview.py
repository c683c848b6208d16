"""The staff overview: how many conversations, on what, in which language, and how often things went wrong.

Plain JSON-able dictionaries: the desk page charts them.

Signals: a conversation's topics are what the assistant answered from (the topic of the knowledge entry it
sent, the `last_topic` slot) or guided on (the `guide` slot); when it answered nothing, the topic of the
intent (`ask_startup` -> startup, ...). A conversation with neither counts under "other". Its language is
that of its last message in the period. Days are local calendar days; messages typed while an advisor had
the conversation are not counted (they were not addressed to the assistant).

Rates, per day: `rates[outcome]` is the share of that day's user messages whose turn ended so;
`conversation_rates[outcome]` the share of that day's conversations where it happened at least once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any, DefaultDict, Dict, List, Optional, Set

from sqlalchemy.engine import Engine

from actions.replies import TOPIC_OF_INTENT

from .conversations import OUTCOMES, Turn, load_turns

OTHER_TOPIC = "other"


def _day(turn: Turn) -> date:
    return datetime.fromtimestamp(turn.timestamp).date()


def _rates(turns: List[Turn]) -> Dict[str, float]:
    return {o: round(sum(o in t.outcomes for t in turns) / len(turns), 4) if turns else 0.0 for o in OUTCOMES}


def _conversation_rates(by_sender: Dict[str, List[Turn]]) -> Dict[str, float]:
    total = len(by_sender)
    return {
        o: round(sum(any(o in t.outcomes for t in ts) for ts in by_sender.values()) / total, 4) if total else 0.0
        for o in OUTCOMES
    }


def _topics(turns: List[Turn]) -> Set[str]:
    answered = {topic for turn in turns for topic in turn.topics}
    if answered:
        return answered
    asked = {TOPIC_OF_INTENT[t.intent] for t in turns if t.intent in TOPIC_OF_INTENT}
    return asked or {OTHER_TOPIC}


def overview(engine: Engine, since: Optional[datetime] = None, until: Optional[datetime] = None) -> Dict[str, Any]:
    """Conversations per day, topic and language, and the outcome rates per day, for [since, until).

    Args:
        engine: The tracker store.
        since: First moment (inclusive); naive = local time.
        until: End (exclusive).

    Returns:
        `{"since", "until", "totals": {"conversations", "messages", "rates", "conversation_rates"},
        "per_day": [{"date", "conversations", "messages", "rates", "conversation_rates"}] (every day of the
        period, also quiet ones), "per_topic": {topic: conversations}, "per_language": {language: conversations}}`.
    """
    turns = [t for t in load_turns(engine, since=since, until=until) if not t.paused]
    by_sender: DefaultDict[str, List[Turn]] = defaultdict(list)
    by_day: DefaultDict[date, DefaultDict[str, List[Turn]]] = defaultdict(lambda: defaultdict(list))
    for turn in turns:
        by_sender[turn.sender_id].append(turn)
        by_day[_day(turn)][turn.sender_id].append(turn)
    per_topic: Counter = Counter()
    per_language: Counter = Counter()
    for sender_turns in by_sender.values():
        per_topic.update(_topics(sender_turns))
        per_language[sender_turns[-1].language] += 1
    days = sorted(by_day)
    first = since.date() if since else (days[0] if days else None)
    last = (until - timedelta(microseconds=1)).date() if until else (days[-1] if days else None)
    per_day = []
    current = first
    while current is not None and last is not None and current <= last:
        senders: Dict[str, List[Turn]] = by_day.get(current, {})
        day_turns = [t for ts in senders.values() for t in ts]
        per_day.append(
            {
                "date": current.isoformat(),
                "conversations": len(senders),
                "messages": len(day_turns),
                "rates": _rates(day_turns),
                "conversation_rates": _conversation_rates(dict(senders)),
            }
        )
        current += timedelta(days=1)
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "totals": {
            "conversations": len(by_sender),
            "messages": len(turns),
            "rates": _rates(turns),
            "conversation_rates": _conversation_rates(dict(by_sender)),
        },
        "per_day": per_day,
        "per_topic": dict(per_topic.most_common()),
        "per_language": dict(per_language.most_common()),
    }
