"""A guidance request that names the asker's field or activity is answered first; a plain one starts the questions."""

from __future__ import annotations

from typing import Iterator

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.guidance.advice import ActionStartGuidance
from actions.handoff.actions import handoff_topic
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


def ranked(text: str, ranking: list) -> Tracker:
    """A tracker whose latest message has this intent ranking (best first), as the classifier gives it."""
    built = tracker(text, ranking[0][0])
    built.latest_message["intent"] = {"name": ranking[0][0], "confidence": ranking[0][1]}
    built.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    built.events[-1]["parse_data"] = built.latest_message
    return built


PERSON_SECOND = [("request_guidance", 0.45), ("ask_human", 0.3), ("ask_agency", 0.1)]


def test_an_unsure_request_whose_next_guess_is_a_person_gets_the_advisor_handoff() -> None:
    text = "could one of you drop by our workshop to go over our growth plans together"
    events, responses, _ = run(ActionStartGuidance(), ranked(text, PERSON_SECOND))
    assert responses == ["utter_handoff_intro"]
    assert events == [SlotSet("guide", None), FollowupAction("handoff_form")]
    # the advisor sees it as a request for an advisor, not as a message the bot did not understand
    assert handoff_topic(ranked(text, PERSON_SECOND)) == "asked_for_advisor"


@pytest.mark.parametrize(
    "ranking",
    [
        [("request_guidance", 0.75), ("ask_human", 0.2)],  # sure of the guidance request
        [("request_guidance", 0.45), ("ask_human", 0.15), ("ask_financing", 0.1)],  # a person is a weak guess
        [("request_guidance", 0.45), ("ask_financing", 0.3), ("ask_human", 0.2)],  # a person is not the next guess
    ],
)
def test_other_guidance_requests_start_the_questions(ranking) -> None:
    events, responses, _ = run(ActionStartGuidance(), ranked("which subsidies fit my company?", ranking))
    assert "utter_handoff_intro" not in responses and FollowupAction("handoff_form") not in events


def test_a_financing_request_that_describes_the_company_gets_the_measure_that_fits_first() -> None:
    """The guidance asked for (financing) steers the answer even when no field is named; the finder comes after."""
    text = "we zijn met 6 en willen een consultant inschakelen voor onze groeistrategie, welke steun is er"
    events, responses, _ = run(ActionStartGuidance(), tracker(text, "request_guidance"))
    answered = [e["value"] for e in events if e.get("name") == "last_entry"]
    assert answered and answered[0].startswith("kmo_portefeuille"), events  # the SME wallet pays for consultancy
    assert responses[0] in ("utter_answer", "utter_answer_closest")
    assert "utter_followup_financing" in responses and SlotSet("guide", None) in events
