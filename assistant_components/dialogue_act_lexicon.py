"""Recognises a whole message that is a greeting, goodbye, thank-you, yes, no or "stop", from a word list.

These dialogue acts are fixed phrases of everyday language, and there are more of them than training examples
can cover: a classifier that never saw "tot kijk", "toodles" or "roger that" guesses from their letters, and a
goodbye became a start-up question. A list of complete messages per act and language
(knowledge/understanding/dialogue_acts.yml, written from general language knowledge, not from any evaluation
file) decides when the whole message is such a phrase, possibly with a filler ("ok", "oh") before or after it,
or a few phrases of the same act ("hi hello"). Anything else is left to the classifiers. Runs right after them,
so the question, nonsense and abroad rules still see the message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.cues import both_languages, read_list_file
from actions.paths import ROOT
from actions.text import fold

from .rule_classifier import RuleIntentClassifier

MAX_PHRASES = 3
MAX_WORDS = 12
_REPEATED_LETTER = re.compile(r"([a-z])\1{2,}")


def normalise(text: str) -> str:
    """Folded (lower case, no accents or punctuation), a letter typed three or more times once ("byeee")."""
    return _REPEATED_LETTER.sub(r"\1", fold(text))


class Lexicon:
    """Complete phrases per act, and fillers that may stand around them."""

    def __init__(self, phrases: Dict[str, str], fillers: List[str]) -> None:
        """`phrases`: normalised phrase -> act; `fillers`: normalised words or phrases of no act of their own."""
        self.phrases = phrases
        self.fillers = set(fillers)
        self.longest = max((len(p.split()) for p in [*phrases, *self.fillers]), default=1)

    @classmethod
    def from_file(cls, path: Path) -> "Lexicon":
        """Read the acts (each with `en` and `nl` lists) and the `fillers` list; a phrase in two acts is dropped."""
        data = read_list_file(path)
        phrases: Dict[str, str] = {}
        ambiguous = set()
        for act, lists in data.items():
            if act == "fillers":
                continue
            for phrase in both_languages(lists or {}):
                key = normalise(str(phrase))
                if key in phrases and phrases[key] != act:
                    ambiguous.add(key)
                phrases.setdefault(key, act)
        for key in ambiguous:
            del phrases[key]
        return cls(phrases, [normalise(str(f)) for f in both_languages(data.get("fillers") or {})])

    def _segment(self, words: List[str]) -> Optional[List[str]]:
        """The phrases and fillers the words consist of, fewest pieces first, or None if they fit none."""
        if not words:
            return []
        for size in range(min(self.longest, len(words)), 0, -1):
            piece = " ".join(words[:size])
            if piece in self.phrases or piece in self.fillers:
                rest = self._segment(words[size:])
                if rest is not None:
                    return [piece, *rest]
        return None

    def act(self, text: str) -> Optional[str]:
        """The act of a message that is one such phrase (or a few of the same act, with fillers), else None."""
        key = normalise(text)
        if not key or text.startswith("/"):
            return None
        if key in self.phrases:
            return self.phrases[key]
        words = key.split()
        pieces = self._segment(words) if len(words) <= MAX_WORDS else None
        if not pieces:
            return None
        acts = [self.phrases[p] for p in pieces if p in self.phrases and p not in self.fillers]
        acts = acts or [self.phrases[p] for p in pieces if p in self.phrases]  # only fillers: "ok ok"
        if acts and len(acts) <= MAX_PHRASES and len(set(acts)) == 1:
            return acts[0]
        return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DialogueActLexicon(RuleIntentClassifier):
    """Sets the act of a message that is a known dialogue-act phrase."""

    def __init__(self, config: Dict[Text, Any], lexicon: Optional[Lexicon] = None) -> None:
        """Keep the configuration and the lexicon (read from `lexicon` unless given)."""
        super().__init__(config)
        self.lexicon = lexicon or Lexicon.from_file(ROOT / str(config["lexicon"]))

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: where the phrases are."""
        return {"lexicon": "knowledge/understanding/dialogue_acts.yml"}

    def label(self, message: Message) -> Optional[str]:
        """The act of the whole message, or None."""
        return self.lexicon.act(message.get(TEXT) or "")
