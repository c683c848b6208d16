"""One knowledge entry, as read from knowledge/*.yml."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

LANGUAGES = ("en", "nl")
TOPICS = ("startup", "location", "permits", "financing", "clusters", "agency")


@dataclass(frozen=True)
class Entry:
    """A sourced answer with the names users call it by and, for guided advice, who it applies to."""

    id: str
    topic: str
    type: str
    title: Dict[str, str]
    answer: Dict[str, str]
    source_url: str
    reviewed: dt.date
    synonyms: Dict[str, List[str]] = field(default_factory=dict)
    keywords: Dict[str, List[str]] = field(default_factory=dict)
    eligibility: Dict[str, List[str]] = field(default_factory=dict)
    facts: Dict[str, Dict[str, str]] = field(default_factory=dict)
    related: List[str] = field(default_factory=list)
    source_date: Optional[str] = None
    order: Optional[int] = None

    def text(self, part: str, language: str) -> str:
        """Title or answer in `language`, falling back to English so a reply is never empty."""
        values: Dict[str, str] = getattr(self, part)
        return values.get(language) or values.get("en", "")

    def names(self) -> List[str]:
        """Every synonym in every language, lower-cased: what the entity ruler recognises."""
        return sorted({s.strip().lower() for lang in LANGUAGES for s in self.synonyms.get(lang, []) if s.strip()})

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-safe dict (for the SQL store)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["reviewed"] = self.reviewed.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Entry":
        """Build from YAML or stored JSON; dates may be strings or date objects."""
        reviewed = data["reviewed"]
        if isinstance(reviewed, str):
            reviewed = dt.date.fromisoformat(reviewed)
        source_date = data.get("source_date")
        return cls(
            id=data["id"],
            topic=data["topic"],
            type=data["type"],
            title=dict(data["title"]),
            answer=dict(data["answer"]),
            source_url=data["source_url"],
            reviewed=reviewed,
            synonyms={k: list(v or []) for k, v in (data.get("synonyms") or {}).items()},
            keywords={k: [str(x) for x in (v or [])] for k, v in (data.get("keywords") or {}).items()},
            eligibility={k: list(v) for k, v in (data.get("eligibility") or {}).items()},
            facts={k: dict(v) for k, v in (data.get("facts") or {}).items()},
            related=list(data.get("related") or []),
            source_date=str(source_date) if source_date else None,
            order=data.get("order"),
        )
