"""Marks messages without words as out of scope, and degenerate ones as not understood, by rule.

Emoji-only messages, punctuation, keyboard mashing without a single vowel ("zxcvbnm") or along the middle
row of a QWERTY or AZERTY keyboard ("jfkdlsa", "qsdfmlk") carry no question
a statistical model can learn from examples; a rule is more reliable: they get the out-of-scope reply with
the topic buttons; so does a message that only laughs ("lol", "hahaha": it once got "Goodbye").
Degenerate input (one letter repeated, only digits, only a link) would otherwise be given
whatever intent its few characters resemble (5,000 repeated letters were once answered "Goodbye"): it is
marked `nlu_fallback`, so the user gets the not-understood reply. Runs after DIET and before the
FallbackClassifier.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from .rule_classifier import RuleIntentClassifier

_LETTERS = re.compile(r"[^\W\d_]+")
_LINK = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^[\d\s.,:;/+()\-€$%]+$")
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")
# the middle letter row of a QWERTY and of an AZERTY keyboard (Flemish keyboards are AZERTY); words typed only
# from one row with five different letters are rare in English and Dutch ("flags", "flash"), and the rule
# needs every word of the message to be one
_MIDDLE_ROWS = (frozenset("asdfghjkl"), frozenset("qsdfghjklm"))
MASH_MIN_LETTERS, MASH_MIN_DISTINCT = 5, 5
_LAUGH = re.compile(r"^(?:l+o+l+z*|lmf?ao+|rofl|x+d+|(?:h+[aeio]+){2,}h*|(?:[aeio]*h+){2,}[aeio]*)$")


def is_row_mash(word: str) -> bool:
    """A word typed along one keyboard row: long enough, several different letters, all from that row."""
    letters = set(word)
    return (
        len(word) >= MASH_MIN_LETTERS
        and len(letters) >= MASH_MIN_DISTINCT
        and any(letters <= row for row in _MIDDLE_ROWS)
    )


def is_nonsense(text: str) -> bool:
    """No letters at all, or only words of four or more letters without a vowel, or only keyboard-row mashing."""
    if text.startswith("/"):
        return False  # a button payload: its intent is given
    words = _LETTERS.findall(text.lower())
    if not words:
        return True
    return all((len(w) >= 4 and not (set(w) & _VOWELS)) or is_row_mash(w) for w in words)


def is_laughter(text: str) -> bool:
    """Only laughter: "lol", "haha", "hihihi", "xD", "lmao" (any number of them, punctuation around)."""
    words = _LETTERS.findall(text.lower())
    return bool(words) and not text.startswith("/") and all(_LAUGH.match(w) for w in words)


def is_degenerate(text: str) -> bool:
    """One character repeated (beyond a short word), only digits and separators, or only a link."""
    stripped = text.strip()
    if not stripped or stripped.startswith("/"):
        return False
    if _LINK.match(stripped) or (_DIGITS_ONLY.match(stripped) and any(c.isdigit() for c in stripped)):
        return True
    letters = [c for c in stripped.lower() if c.isalpha()]
    return len(letters) >= 4 and len(set(letters)) == 1


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NonsenseClassifier(RuleIntentClassifier):
    """Sets `intent` (default out_of_scope) for messages without words, `degenerate_intent` for degenerate ones."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: the intent for messages without words, and the one for degenerate input."""
        return {"intent": "out_of_scope", "degenerate_intent": "nlu_fallback"}

    def label(self, message: Message) -> Optional[str]:
        """The rule's intent for wordless or degenerate text, else None."""
        text = message.get(TEXT) or ""
        if is_degenerate(text):
            return str(self.config["degenerate_intent"])
        return str(self.config["intent"]) if is_nonsense(text) or is_laughter(text) else None
