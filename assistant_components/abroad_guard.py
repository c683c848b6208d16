"""Marks a question about setting up or running a company in another country as `out_of_scope_abroad`, by rule.

"What do I need to register a SARL in France?" shares its words with the Flemish start-up questions, so the
statistical classifier calls it `ask_startup`; the action server then gave the right reply (other countries'
company law is outside the agency's scope), but the message stayed logged, reviewed and scored as a start-up
question. The rule needs a company form of another country, or another country together with a word of
setting up or running a company, and nothing that places the question in Flanders or Belgium ("I'm French
and want to open a bakery in Ghent" stays a Flemish question; exporting and trade fairs abroad are Flemish
questions too). The lists are the action server's, in knowledge/understanding/abroad.yml and home.yml, read
when the model is loaded. Runs after the statistical classifiers and before the FallbackClassifier.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from actions.cues import CueList, both_languages, read_list_file

from .rule_classifier import RelabelGuard

TOPIC_INTENTS = ["ask_startup", "ask_permits", "ask_financing", "ask_location", "ask_agency", "request_guidance"]


class AbroadRule:
    """The word lists and the decision, apart from Rasa so that tests can use them directly."""

    def __init__(self, countries: CueList, forms: CueList, setting_up: CueList, home: CueList) -> None:
        """Lists of countries, foreign company forms, words of setting up a company, and of Flanders."""
        self.countries, self.forms, self.setting_up, self.home = countries, forms, setting_up, home

    @classmethod
    def from_directory(cls, directory: Path) -> "AbroadRule":
        """Read abroad.yml (its `company_abroad` part) and home.yml from `directory`."""
        abroad, home = read_list_file(directory / "abroad.yml"), read_list_file(directory / "home.yml")
        part = abroad.get("company_abroad") or {}
        return cls(
            CueList.of(both_languages(part.get("countries") or {})),
            CueList.of(both_languages(part.get("company_forms") or {})),
            CueList.of(both_languages(part.get("setting_up") or {})),
            CueList.of(both_languages(home)),
        )

    def applies(self, text: str) -> bool:
        """A foreign company form, or a country with a word of setting up a company; nothing Flemish."""
        if self.home.found_in(text):
            return False
        return self.forms.found_in(text) or (self.countries.found_in(text) and self.setting_up.found_in(text))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AbroadGuard(RelabelGuard):
    """Re-labels topic questions about another country's company law."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: where the lists are, the intents a message may have been given, and the intent it gets."""
        return {
            "cues": "knowledge/understanding",
            "intents": TOPIC_INTENTS,
            "intent": "out_of_scope_abroad",
        }

    @classmethod
    def read_rule(cls, directory: Path) -> AbroadRule:
        """abroad.yml and home.yml."""
        return AbroadRule.from_directory(directory)
