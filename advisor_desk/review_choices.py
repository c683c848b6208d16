"""What a reviewer may choose for a message: an intent of the domain, "ignore", or a knowledge entry.

Read from the same files the assistant is trained and answers from (domain.yml, knowledge/*.yml), so the
page can never offer an intent or entry that the merge step would refuse.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from actions.knowledge.loader import read_raw
from actions.paths import KNOWLEDGE_DIR
from staff_review.conversations import OUTCOMES as OUTCOMES
from staff_review.review_file import IGNORE as IGNORE
from staff_review.review_file import KNOWLEDGE as KNOWLEDGE  # the entry id goes in knowledge_entry

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"
# Offered first under the number keys: the topics users most often get wrong, then the rest of the domain.
QUICK_FIRST = (
    "ask_startup",
    "ask_location",
    "ask_permits",
    "ask_financing",
    "ask_clusters",
    "ask_agency",
    "request_guidance",
    "out_of_scope",
    "ask_human",
    "confidential",
)


@lru_cache(maxsize=1)
def intents() -> Tuple[str, ...]:
    """The intents of domain.yml, in the domain's order."""
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    names = [item if isinstance(item, str) else next(iter(item)) for item in domain.get("intents") or []]
    return tuple(names)


@lru_cache(maxsize=1)
def knowledge_entries() -> Tuple[Dict[str, str], ...]:
    """Every knowledge entry as {id, topic, title} (English title, else Dutch), sorted by topic and title."""
    entries = [
        {
            "id": str(raw["id"]),
            "topic": topic,
            "title": str((raw.get("title") or {}).get("en") or (raw.get("title") or {}).get("nl") or raw["id"]),
        }
        for topic, raw in read_raw(KNOWLEDGE_DIR)
        if raw.get("id")
    ]
    return tuple(sorted(entries, key=lambda e: (e["topic"], e["title"].lower())))


def knowledge_ids() -> frozenset:
    """The ids of every knowledge entry, for checking a reviewer's pick."""
    return frozenset(entry["id"] for entry in knowledge_entries())


def choices() -> Dict[str, List]:
    """Everything the review page's dropdowns offer."""
    return {
        "intents": list(intents()),
        "quick_intents": [name for name in QUICK_FIRST if name in intents()]
        + [name for name in intents() if name not in QUICK_FIRST],
        "special": [
            {"value": IGNORE, "label": "ignore (not worth learning)"},
            {"value": KNOWLEDGE, "label": "new example for a knowledge entry"},
        ],
        "knowledge_entries": list(knowledge_entries()),
        "outcomes": list(OUTCOMES),
    }
