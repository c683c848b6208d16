"""A question about whom the user talks to is a bot_challenge; a request for a person stays ask_human."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from actions.paths import ROOT
from assistant_components.identity_question_guard import IdentityQuestionGuard, IdentityQuestionRule

RULE = IdentityQuestionRule.from_directory(ROOT / "knowledge" / "understanding")


@pytest.mark.parametrize(
    "text",
    [
        "am I chatting with an actual human being right now?",
        "r u a robot",
        "who's this, a machine?",
        "is this conversation automated",
        "spreek ik nu met een mens of met een computer?",
        "ben jij een echte persoon",
        "zit ik met een robot te chatten?",
    ],
)
def test_a_question_about_the_chat_partner_is_a_bot_challenge(text: str) -> None:
    assert RULE.applies(text)


@pytest.mark.parametrize(
    "text",
    [
        "can I chat with a human please",
        "I'd rather talk to a real person",
        "is it possible to get a human on the line",
        "is there a person I can call about my permit",
        "are you a bot? then I want an advisor",
        "do I need a person from the municipality to sign this",
        "mag ik met een mens spreken",
        "ik wil liever een echte persoon",
        "ben jij een robot? kun je me doorverbinden met een adviseur",
        "is dit een goede plek voor een bedrijf",
    ],
)
def test_a_request_for_a_person_or_another_question_is_left_alone(text: str) -> None:
    assert not RULE.applies(text)


def classed(text: str, intent: str) -> str:
    message = Message({TEXT: text, INTENT: {"name": intent, "confidence": 0.7}})
    IdentityQuestionGuard(IdentityQuestionGuard.get_default_config(), RULE).process([message])
    return str(message.get(INTENT)["name"])


def test_only_a_request_for_a_person_is_relabelled_and_payloads_are_left_alone() -> None:
    assert classed("am I talking to a person?", "ask_human") == "bot_challenge"
    assert classed("am I talking to a person?", "ask_startup") == "ask_startup"
    assert classed("/ask_human", "ask_human") == "ask_human"


def test_no_training_example_of_another_intent_is_relabelled() -> None:
    """The rule agrees with the training data: it matches bot_challenge examples and no other intent's."""
    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    matched = {(e.get(INTENT), e.get(TEXT)) for e in examples if RULE.applies(e.get(TEXT))}
    assert matched and all(intent == "bot_challenge" for intent, _text in matched)
