"""The reply language chosen inside the Rasa server: what a user would notice turn by turn."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant_components.language_policy import LanguagePolicy

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, switch_language, ask_startup]
slots:
  language: {type: categorical, values: [en, nl], influence_conversation: false, mappings: [{type: custom}]}
  language_explicit: {type: bool, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: "Hello!"}]
"""
)


@pytest.fixture()
def policy(tmp_path) -> LanguagePolicy:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    return LanguagePolicy.create(LanguagePolicy.get_default_config(), storage, Resource("l"), context)


def user(
    text: str, intent: str = "ask_startup", metadata: Optional[Dict[str, Any]] = None, **extra: Any
) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, metadata=metadata, **extra)


def slots_after(policy: LanguagePolicy, events: List[Event]) -> Dict[str, Any]:
    """The language slots once the policy's events of the latest turn are applied."""
    tracker = DialogueStateTracker.from_events("someone", events, DOMAIN.slots)
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert max(prediction.probabilities) == 0.0, "the policy must never choose an action"
    tracker.update_with_events(prediction.events, DOMAIN)
    return {"language": tracker.get_slot("language"), "explicit": tracker.get_slot("language_explicit")}


def turn(*events: Event) -> List[Event]:
    return [ActionExecuted("action_listen"), *events]


def test_a_clear_dutch_message_switches_to_dutch(policy: LanguagePolicy) -> None:
    events = turn(user("hoeveel kost de inschrijving van mijn eenmanszaak bij het ondernemingsloket"))
    assert slots_after(policy, events) == {"language": "nl", "explicit": None}


def test_short_or_ambiguous_messages_keep_the_language(policy: LanguagePolicy) -> None:
    for text in ("ok", "merci", "kmo-portefeuille", "/affirm"):
        events = [SlotSet("language", "nl"), *turn(user(text))]
        assert slots_after(policy, events)["language"] == "nl", text


def test_the_website_choice_wins_and_sticks(policy: LanguagePolicy) -> None:
    chosen = turn(user("how do I start a company in Ghent", metadata={"language": "nl-BE"}))
    assert slots_after(policy, chosen) == {"language": "nl", "explicit": True}
    later = [SlotSet("language", "nl"), SlotSet("language_explicit", True), *turn(user("what about the costs of that"))]
    assert slots_after(policy, later)["language"] == "nl", "an explicit choice is not undone by detection"


def test_an_explicit_request_names_the_language_or_toggles(policy: LanguagePolicy) -> None:
    named = turn(user("can you answer in Dutch please", intent="switch_language"))
    assert slots_after(policy, named) == {"language": "nl", "explicit": True}
    named_entity = [{"entity": "language", "value": "English"}]
    entity = turn(user("in het engels aub", intent="switch_language", entities=named_entity))
    assert slots_after(policy, entity)["language"] == "en"
    toggle = [SlotSet("language", "nl"), *turn(user("andere taal", intent="switch_language"))]
    assert slots_after(policy, toggle)["language"] == "en"


def test_the_language_asked_for_is_the_one_after_in_not_the_first_named(policy: LanguagePolicy) -> None:
    text = "my Dutch is really not good enough, could we continue in English?"
    assert slots_after(policy, turn(user(text, intent="switch_language")))["language"] == "en"
    text = "mijn engels is slecht, kan het in het Nederlands"
    assert slots_after(policy, turn(user(text, intent="switch_language")))["language"] == "nl"


def test_the_language_is_decided_once_per_message(policy: LanguagePolicy) -> None:
    events = [*turn(user("hoeveel kost de inschrijving van mijn eenmanszaak bij het ondernemingsloket")),
              ActionExecuted("utter_greet")]
    tracker = DialogueStateTracker.from_events("someone", events, DOMAIN.slots)
    assert policy.predict_action_probabilities(tracker, DOMAIN).events == []
