"""What a question says about the asker's company size, so that retrieval prefers measures that fit it.

"A brewery with 8 staff wants a consultant for its export strategy" must not get a measure for large
companies: entries list the organisation types they are for (`eligibility.organisation_types`), and an entry
that excludes the asker's size is ranked lower (retrieval.SIZE_PENALTY).
"""

from __future__ import annotations

import re
from typing import FrozenSet, Iterable, Optional

from ..text import fold

# "8 staff", "45 werknemers", "a team of 120 people"
_HEADCOUNT = re.compile(
    r"\b(\d{1,6})\s*(?:fte\b|staff|employees?|people|persons?|workers?|man\b|werknemers?|medewerkers?|"
    r"personeelsleden|mensen|arbeiders|bedienden|vte\b|werkkrachten)"
)
# words that name the asker's size (folded; whole words)
_SME_WORDS = {"sme", "smes", "kmo", "kmos", "kmo s"}
_SMALL_WORDS = {
    "small business",
    "small company",
    "small firm",
    "micro",
    "freelancer",
    "self employed",
    "one man",
    "eenmanszaak",
    "zelfstandige",
    "kleine onderneming",
    "klein bedrijf",
    "kleine zaak",
    "kleine kmo",
    "starter",
    "startup",
    "start up",
}
_MEDIUM_WORDS = {"medium sized", "mid sized", "midsize", "middelgrote", "middelgroot"}
_LARGE_WORDS = {
    "large company",
    "large enterprise",
    "large companies",
    "multinational",
    "grote onderneming",
    "groot bedrijf",
    "grote ondernemingen",
    "corporate",
}

SMALL, MEDIUM, LARGE = "small", "medium", "large"


def _has(folded: str, phrases: Iterable[str]) -> bool:
    padded = f" {folded} "
    return any(f" {p} " in padded for p in phrases)


def asker_sizes(text: str) -> Optional[FrozenSet[str]]:
    """The organisation types the asker's company can be, or None when the question does not say."""
    folded = fold(text)
    match = _HEADCOUNT.search(folded)
    if match:
        staff = int(match.group(1))
        if staff < 50:
            return frozenset({SMALL})
        return frozenset({MEDIUM}) if staff < 250 else frozenset({LARGE})
    if _has(folded, _LARGE_WORDS):
        return frozenset({LARGE})
    if _has(folded, _MEDIUM_WORDS):
        return frozenset({MEDIUM})
    if _has(folded, _SMALL_WORDS):
        return frozenset({SMALL})
    if _has(folded, _SME_WORDS):
        return frozenset({SMALL, MEDIUM})
    return None
