"""Text normalisation shared by retrieval, option parsing and entity resolution."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z&+]+")


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into single spaces ("Café-bar!" -> "cafe bar")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


def contains_phrase(folded_text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `folded_text` as whole words."""
    folded_phrase = fold(phrase)
    return bool(folded_phrase) and f" {folded_phrase} " in f" {folded_text} "


# A word of at least this many letters also counts inside a Dutch or English compound ("voedingsbedrijf" names
# "voeding", "bioplastics" names "plastics"); shorter words only as whole words ("wind" is not in "windows").
COMPOUND_PART_MIN = 5


def mentions(folded_text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `folded_text` as whole words, or a long single word as a compound's head or tail."""
    if contains_phrase(folded_text, phrase):
        return True
    word = fold(phrase)
    if " " in word or len(word) < COMPOUND_PART_MIN:
        return False
    return any(len(t) > len(word) and (t.startswith(word) or t.endswith(word)) for t in folded_text.split())
