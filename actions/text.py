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
