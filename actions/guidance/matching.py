"""Picks the knowledge entries that fit a user's answers, from the eligibility fields in knowledge/.

An entry's eligibility lists the values it allows; a missing key means no restriction. An entry is never
recommended when one of its lists excludes an answer the user gave. Among the eligible entries, those that
explicitly name the user's answers rank first: they were written for that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence

from ..knowledge.entry import Entry

# eligibility key in knowledge/ -> the form slot holding the user's answer
SLOT_OF_KEY: Dict[str, str] = {
    "organisation_types": "organisation_type",
    "stages": "stage",
    "purposes": "purpose",
    "domains": "cluster_domain",
    "goals": "cluster_goal",
    "activities": "permit_activity",
    "locations": "permit_location",
    "occupations": "occupation",
    "legal_forms": "legal_form",
    "sectors": "startup_sector",
}


@dataclass(frozen=True)
class Match:
    """An eligible entry and the answers it explicitly fits (slot -> option)."""

    entry: Entry
    fits: Dict[str, str]


def excluded_by(entry: Entry, profile: Dict[str, str]) -> Optional[str]:
    """The slot whose answer the entry's conditions exclude, or None if the entry is open to the user."""
    for key, allowed in entry.eligibility.items():
        slot = SLOT_OF_KEY.get(key)
        value = profile.get(slot) if slot else None
        if value is not None and value not in allowed:
            return slot
    return None


def explicit_fits(entry: Entry, profile: Dict[str, str]) -> Dict[str, str]:
    """Answers the entry names in its eligibility lists."""
    fits = {}
    for key, allowed in entry.eligibility.items():
        slot = SLOT_OF_KEY.get(key)
        if slot and profile.get(slot) in allowed:
            fits[slot] = profile[slot]
    return fits


def recommend(
    entries: Iterable[Entry],
    profile: Dict[str, str],
    types: Sequence[str],
    must_fit: Sequence[str] = (),
    limit: Optional[int] = None,
) -> List[Match]:
    """Eligible entries of `types` that explicitly fit every slot in `must_fit`, most specific first."""
    matches = []
    for entry in entries:
        if entry.type not in types or excluded_by(entry, profile):
            continue
        fits = explicit_fits(entry, profile)
        if any(slot not in fits for slot in must_fit):
            continue
        matches.append(Match(entry, fits))
    matches.sort(key=lambda m: (-len(m.fits), m.entry.order if m.entry.order is not None else 999))
    return matches[:limit] if limit else matches
