"""Questions about another country's company law are out of scope; Flemish questions naming a country are not.

The lists are the real ones in knowledge/understanding/, as the running model reads them.
"""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant_components.abroad_guard import AbroadGuard


@pytest.fixture(scope="module")
def guard() -> AbroadGuard:
    return AbroadGuard(AbroadGuard.get_default_config())


def classified(guard: AbroadGuard, text: str, intent: str) -> str:
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.6}})
    guard.process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize(
    "text",
    [
        "What do I need to register a SARL in France?",
        "how to form an LLC in Delaware",
        "wat moet ik doen om een zaak te starten in Frankrijk",
        "hoe richt ik een bv op in Nederland bij de KvK",
        "what's the UK corporation tax rate for a limited company",
    ],
)
def test_company_law_abroad(guard, text):
    assert classified(guard, text, "ask_startup") == "out_of_scope_abroad"


@pytest.mark.parametrize(
    "text",
    [
        "I'm French and want to open a bakery in Ghent",
        "ik ben Nederlander en wil hier een zaak starten",
        "we want to export to Germany, any support?",
        "subsidie voor een beurs in Frankrijk",
        "I'm Brazilian and want to start an import business",
        "i need a work visa for the netherlands, how do i apply",
    ],
)
def test_flemish_questions_that_name_a_country_keep_their_intent(guard, text):
    assert classified(guard, text, "ask_startup") == "ask_startup"


def test_only_topic_questions_are_relabelled(guard):
    # a dispute with a German partner stays with the advisors; a button payload keeps its intent
    assert classified(guard, "my partner wants to set up a GmbH in Germany behind my back", "confidential") == (
        "confidential"
    )
    assert classified(guard, "/ask_startup", "ask_startup") == "ask_startup"
