"""Checks the contact details a user gives for a callback."""

from __future__ import annotations

import re
from typing import Optional

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"\+?\d[\d ./()-]{6,}\d")
MIN_DIGITS, MAX_DIGITS = 8, 15
MAX_NAME = 80


def clean_contact(text: str) -> Optional[str]:
    """An e-mail address or phone number from the answer, tidied; None when it is neither."""
    for raw_word in (text or "").replace(",", " ").replace(";", " ").split():
        word = raw_word.strip("<>()[]")
        if EMAIL.match(word):
            return word.lower()
    match = PHONE.search(text or "")
    if match:
        digits = re.sub(r"\D", "", match.group(0))
        if MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            return ("+" if match.group(0).startswith("+") else "") + digits
    return None


def clean_name(text: str) -> Optional[str]:
    """A name to address the user by: trimmed, not empty, not absurdly long, not a command."""
    name = " ".join((text or "").split())
    if not name or name.startswith("/") or len(name) > MAX_NAME:
        return None
    return name
