"""A guidance request that names the asker's field or activity is answered first; a plain one starts the questions."""

from __future__ import annotations

from typing import Iterator

import pytest
from rasa_sdk.events import SlotSet

from actions.guidance.advice import ActionStartGuidance
from actions.knowledge.base import KnowledgeBase, set_knowledge_base
from actions.knowledge.loader import load_entries
from actions.paths import KNOWLEDGE_DIR
from tests.test_actions import run, tracker


@pytest.fixture(scope="module", autouse=True)
def real_knowledge() -> Iterator[None]:
    set_knowledge_base(KnowledgeBase(load_entries(KNOWLEDGE_DIR)))
    yield
    set_knowledge_base(None)


@pytest.mark.parametrize(
    "text, entry",
    [
        ("which cluster for my food company?", "flanders_food"),
        ("welke cluster voor mijn voedingsbedrijf", "flanders_food"),
        ("we make bioplastics, which cluster should we look at", "catalisti"),
    ],
)
def test_a_request_that_names_the_field_gets_the_cluster_of_that_field(text: str, entry: str) -> None:
    events, responses, messages = run(ActionStartGuidance(), tracker(text, "request_guidance"))
    assert SlotSet("guide", None) in events and SlotSet("last_entry", entry) in events
    assert responses[0] in ("utter_answer", "utter_answer_closest")
    # the cluster finder is still offered after the answer
    assert "utter_followup_cluster" in responses


@pytest.mark.parametrize("text", ["which cluster suits my company?", "welke cluster past bij ons bedrijf"])
def test_a_plain_request_starts_the_cluster_finder(text: str) -> None:
    events, responses, _ = run(ActionStartGuidance(), tracker(text, "request_guidance"))
    assert responses == [] and events[-1] == SlotSet("guide", "cluster")
