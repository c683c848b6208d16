"""PLACEHOLDER (helper PAGE's branch; helper INBOX writes the real module): the figures of the staff overview."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Set

from sqlalchemy.engine import Engine

from .conversations import load_turns

OUTCOMES = ("fallback", "hedged", "handoff", "negative_feedback")


def overview(engine: Engine, since: Optional[datetime], until: Optional[datetime]) -> Dict[str, Any]:
    """Conversations per day, topic and language; per day, the share of user turns with each outcome."""
    turns = load_turns(engine, since, until)
    per_day: Dict[str, Set[str]] = defaultdict(set)
    turns_per_day: Counter[str] = Counter()
    outcome_per_day: Dict[str, Counter[str]] = defaultdict(Counter)
    topics: Counter[str] = Counter()
    languages: Dict[str, Set[str]] = defaultdict(set)
    for turn in turns:
        day = datetime.fromtimestamp(turn.timestamp, timezone.utc).date().isoformat()
        per_day[day].add(turn.sender_id)
        turns_per_day[day] += 1
        outcome_per_day[day].update(turn.outcomes)
        topics[turn.intent or "unknown"] += 1
        languages[turn.language].add(turn.sender_id)
    days = sorted(per_day)
    return {
        "days": days,
        "conversations_per_day": [len(per_day[d]) for d in days],
        "per_topic": dict(topics.most_common()),
        "per_language": {lang: len(senders) for lang, senders in sorted(languages.items())},
        "rates": {o: [round(outcome_per_day[d][o] / turns_per_day[d], 3) for d in days] for o in OUTCOMES},
    }
