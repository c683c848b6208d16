"""A whole message that is a greeting, goodbye, thank-you, yes, no or "stop" phrase gets that act; nothing else does.

Uses the real list in knowledge/understanding/dialogue_acts.yml, as the running model reads it. The example
messages are our own, not lines of the held-out or evaluation files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from actions.paths import ROOT
from assistant_components.dialogue_act_lexicon import DialogueActLexicon, Lexicon, normalise

LEXICON = ROOT / "knowledge" / "understanding" / "dialogue_acts.yml"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_file(LEXICON)


@pytest.mark.parametrize(
    "text, act",
    [
        ("Good afternoon!", "greet"),
        ("goeiemiddag allemaal", "greet"),
        ("Byeee", "goodbye"),
        ("ok, tot de volgende keer!", "goodbye"),
        ("Thanks heaps.", "thank"),
        ("Merci veelmaals!!", "thank"),
        ("Yes, of course", "affirm"),
        ("ja graag", "affirm"),
        ("Nope.", "deny"),
        ("nee, liever niet", "deny"),
        ("Forget it", "stop"),
        ("laat maar zitten", "stop"),
        ("hi hello", "greet"),  # two phrases of one act
        ("oh, thanks a lot", "thank"),  # a filler before the phrase
        ("ok", "affirm"),  # a filler alone is still the act it is listed for
    ],
)
def test_a_whole_phrase_gets_its_act(lexicon, text, act):
    assert lexicon.act(text) == act


@pytest.mark.parametrize(
    "text",
    [
        "thanks, bye",  # two acts: left to the classifiers
        "yes, and how much does the SME wallet pay?",  # a question after the yes
        "hello, I want to open a bakery in Lier",
        "no idea which permit I need for my garage",
        "bedankt, maar welke subsidie past bij mij?",
        "/greet",  # a button payload keeps its own intent
        "",
        "Lotte Vermeulen",  # a name typed into the handoff form
    ],
)
def test_anything_more_than_such_a_phrase_is_left_to_the_classifiers(lexicon, text):
    assert lexicon.act(text) is None


def test_letters_typed_again_and_accents_do_not_matter():
    assert normalise("Dankjeeee wel!") == normalise("dankje wel") == "dankje wel"
    assert normalise("Oké") == "oke"


def test_a_phrase_listed_for_two_acts_is_ignored(tmp_path: Path):
    path = tmp_path / "acts.yml"
    path.write_text("affirm:\n  en: [sure, ok]\nthank:\n  en: [ok, thanks]\n", encoding="utf-8")
    lexicon = Lexicon.from_file(path)
    assert lexicon.act("ok") is None and lexicon.act("sure") == "affirm" and lexicon.act("thanks") == "thank"


def test_the_list_agrees_with_every_training_example_it_matches():
    """The training data is the labelling the project decided; the list may never contradict it."""
    lexicon = Lexicon.from_file(LEXICON)
    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    matched = [(e.get(TEXT), e.get(INTENT), lexicon.act(e.get(TEXT))) for e in examples if lexicon.act(e.get(TEXT))]
    assert len(matched) > 100
    assert [m for m in matched if m[1] != m[2]] == []


def test_the_component_sets_the_act_with_full_confidence_and_leaves_other_messages_alone():
    component = DialogueActLexicon(DialogueActLexicon.get_default_config())
    phrase = Message(data={TEXT: "tot morgen", INTENT: {"name": "ask_startup", "confidence": 0.5}})
    asked = {"name": "ask_financing", "confidence": 0.8}
    question = Message(data={TEXT: "tot wanneer loopt de oproep?", INTENT: asked})
    component.process([phrase, question])
    assert phrase.get(INTENT) == {"name": "goodbye", "confidence": 1.0}
    assert phrase.get(INTENT_RANKING_KEY) == [{"name": "goodbye", "confidence": 1.0}]
    assert question.get(INTENT)["name"] == "ask_financing"
