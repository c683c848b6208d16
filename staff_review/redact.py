"""PLACEHOLDER (helper PAGE's branch; helper REDACT writes the real redactor): same interface, a few patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

_PATTERNS: List[Tuple[str, "re.Pattern[str]"]] = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")),
    ("PHONE", re.compile(r"(?<![\w])(?:\+|00)?\d[\d ./-]{7,}\d(?![\w])")),
]


@dataclass(frozen=True)
class Redaction:
    """A redacted text, the kinds of personal data replaced, and whether it must be withheld."""

    text: str
    kinds: Tuple[str, ...]
    withheld: bool


def redact(text: str) -> Redaction:
    """Replace personal data by typed placeholders (`[EMAIL]`, `[PHONE]`, `[IBAN]`)."""
    kinds: List[str] = []
    for kind, pattern in _PATTERNS:
        text, count = pattern.subn(f"[{kind}]", text)
        if count:
            kinds.append(kind)
    withheld = "@" in text
    return Redaction(text="" if withheld else text, kinds=tuple(kinds), withheld=withheld)
