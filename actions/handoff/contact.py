"""Checks the contact details a user gives for a callback, as the form takes them and again before they are stored.

The form's validators tidy each answer (`clean_*`); the finishing action re-checks the slots it stores
(`invalid_handoff_slots`), because a tracker reaches the action server from outside and a slot is only as
trustworthy as the last check made on it.
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional

from ..guidance.options import option_parser

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"\+?\d[\d ./()-]{6,}\d")
MIN_DIGITS, MAX_DIGITS = 8, 15
MAX_NAME = 80
MAX_SUMMARY = 500
CONSENT_GIVEN = "yes"


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


def clean_summary(text: str) -> Optional[str]:
    """The one-line summary: whitespace collapsed, at most MAX_SUMMARY characters; None when empty."""
    return " ".join((text or "").split())[:MAX_SUMMARY].rstrip() or None


def invalid_handoff_slots(slots: Mapping[str, Any]) -> List[str]:
    """The names of the handoff slots whose values the form's validators would not have stored as they are.

    Consent must be "yes"; name, contact and summary must be what their `clean_*` function makes of them (so
    already tidy, and valid); the language one of the form's options. Only slot names are returned, never
    values: they are contact data.
    """
    checks = {
        "handoff_consent": lambda value: value == CONSENT_GIVEN,
        "contact_name": lambda value: clean_name(value) == value,
        "contact": lambda value: clean_contact(value) == value,
        "contact_language": lambda value: value in option_parser().slots["contact_language"],
        "case_summary": lambda value: clean_summary(value) == value,
    }
    return [name for name, check in checks.items() if not (isinstance(slots.get(name), str) and check(slots[name]))]
