"""Checks knowledge entries before the assistant may answer from them.

Errors block loading (missing fields, bad URLs, duplicate ids, unknown related ids); staleness is a
warning so an old entry is reported without taking the assistant down.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, Iterable, List, Tuple

from .entry import LANGUAGES, TOPICS

REQUIRED = ("id", "type", "title", "answer", "source_url", "reviewed", "synonyms", "keywords")
TYPES = {"overview", "service", "step", "measure", "permit", "cluster", "cluster_type", "rule", "contact"}
URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s]*)?$")
ID = re.compile(r"^[a-z0-9_]+$")
STALE_AFTER_DAYS = 548  # 18 months
VOCABULARIES: Dict[str, set] = {
    "organisation_types": {"small", "medium", "large", "nonprofit"},
    "stages": {"starter", "established"},
    "purposes": {"advice_training", "investment", "innovation", "ecology", "growth", "loan_guarantee"},
    "domains": {
        "chemistry_plastics",
        "materials",
        "energy",
        "logistics",
        "food",
        "blue_economy",
        "health",
        "manufacturing",
        "digital",
        "other",
    },
    "goals": {"network", "rnd_projects", "international"},
    "activities": {"horeca", "food", "retail", "workshop", "office", "construction"},
    "locations": {"existing_building", "change_of_use", "new_building", "home", "business_park"},
    "occupations": {"main", "secondary", "student"},
    "legal_forms": {"sole_trader", "company"},
    "sectors": {"food", "regulated_profession", "other"},
}


def check_entry(raw: dict, topic: str) -> List[str]:
    """Problems with one raw entry (empty list when it is fine)."""
    ident = raw.get("id", "?")
    errors = [f"{ident}: missing field '{f}'" for f in REQUIRED if f not in raw]
    if errors:
        return errors
    if not ID.match(str(raw["id"])):
        errors.append(f"{ident}: id must be snake_case")
    if topic not in TOPICS:
        errors.append(f"{ident}: unknown topic '{topic}'")
    if raw["type"] not in TYPES:
        errors.append(f"{ident}: unknown type '{raw['type']}'")
    for part in ("title", "answer"):
        for lang in LANGUAGES:
            if not str((raw[part] or {}).get(lang) or "").strip():
                errors.append(f"{ident}: {part} has no '{lang}' text")
    for part in ("synonyms", "keywords"):
        if not isinstance(raw[part], dict) or set(raw[part]) - set(LANGUAGES):
            errors.append(f"{ident}: {part} must map en/nl to lists")
    if not URL.match(str(raw["source_url"])):
        errors.append(f"{ident}: source_url is not a valid http(s) URL")
    if not isinstance(raw["reviewed"], (dt.date, str)):
        errors.append(f"{ident}: reviewed must be a date")
    elif isinstance(raw["reviewed"], str):
        try:
            dt.date.fromisoformat(raw["reviewed"])
        except ValueError:
            errors.append(f"{ident}: reviewed is not an ISO date")
    for key, values in (raw.get("eligibility") or {}).items():
        allowed = VOCABULARIES.get(key)
        if allowed is None:
            errors.append(f"{ident}: unknown eligibility key '{key}'")
        elif set(values) - allowed:
            errors.append(f"{ident}: eligibility {key} has unknown values {sorted(set(values) - allowed)}")
    return errors


def check_all(raw_entries: Iterable[Tuple[str, dict]]) -> List[str]:
    """Problems across all entries: per-entry errors, duplicate ids, dangling related ids, overviews."""
    entries = list(raw_entries)
    errors: List[str] = []
    seen: Dict[str, int] = {}
    for topic, raw in entries:
        errors += check_entry(raw, topic)
        seen[raw.get("id", "?")] = seen.get(raw.get("id", "?"), 0) + 1
    errors += [f"{i}: duplicate id ({n} entries)" for i, n in seen.items() if n > 1]
    for _, raw in entries:
        missing = [r for r in raw.get("related") or [] if r not in seen]
        errors += [f"{raw.get('id')}: related id '{r}' does not exist" for r in missing]
    topics = {t for t, _ in entries}
    errors += [f"{t}: no '{t}_overview' entry" for t in topics if f"{t}_overview" not in seen]
    return errors


def stale_entries(raw_entries: Iterable[Tuple[str, dict]], today: dt.date) -> List[str]:
    """Ids whose review date is older than 18 months."""
    stale = []
    for _, raw in raw_entries:
        reviewed = raw.get("reviewed")
        if isinstance(reviewed, str):
            reviewed = dt.date.fromisoformat(reviewed)
        if isinstance(reviewed, dt.date) and (today - reviewed).days > STALE_AFTER_DAYS:
            stale.append(f"{raw['id']} (reviewed {reviewed.isoformat()})")
    return stale
