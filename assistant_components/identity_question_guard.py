"""Marks a question about whom the user is chatting with as `bot_challenge`, not as a request for a person.

"Is this a live chat with a human?" and "praat ik met een echte persoon?" share their words with "I want to
talk to a person", so the statistical classifier calls them `ask_human` and the assistant starts the advisor
handoff for someone who only asked what it is. The question's form tells them apart: it opens like a yes/no
or who-question about the chat ("am I talking", "is this", "ben jij"), names a kind of being ("human",
"robot", "mens") and asks for nothing ("can I", "I want", "liever"). Such a message gets `bot_challenge`,
whose reply says it is a digital assistant and offers an advisor with one click, so a person who did want one
is one step away. The lists are in knowledge/understanding/identity_questions.yml. Runs after the
statistical classifiers and before the FallbackClassifier.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from actions.cues import CueList, both_languages, read_list_file

from .rule_classifier import RelabelGuard

LIST_FILE = "identity_questions.yml"


class IdentityQuestionRule:
    """The word lists and the decision, apart from Rasa so that tests can use them directly."""

    def __init__(self, openings: CueList, beings: CueList, requests: CueList) -> None:
        """How such a question opens, the beings it names, and the words of a request."""
        self.openings, self.beings, self.requests = openings, beings, requests

    @classmethod
    def from_directory(cls, directory: Path) -> "IdentityQuestionRule":
        """Read identity_questions.yml from `directory`."""
        lists = read_list_file(directory / LIST_FILE)
        return cls(*(CueList.of(both_languages(lists.get(part) or {})) for part in ("openings", "beings", "requests")))

    def applies(self, text: str) -> bool:
        """Opens like a question about the chat, names a being, and asks for nothing."""
        return self.openings.opens(text) and self.beings.found_in(text) and not self.requests.found_in(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IdentityQuestionGuard(RelabelGuard):
    """Re-labels a question about whom the user talks to, classed as a request for a person."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: where the lists are, the intents a message may have been given, and the intent it gets."""
        return {"cues": "knowledge/understanding", "intents": ["ask_human"], "intent": "bot_challenge"}

    @classmethod
    def read_rule(cls, directory: Path) -> IdentityQuestionRule:
        """identity_questions.yml."""
        return IdentityQuestionRule.from_directory(directory)
