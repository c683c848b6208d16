"""The custom actions on their own, with a small knowledge base built here (no servers, no trained model).

In the style of rasa-sdk's own tests: a `Tracker` built from slots, the latest message and events, a
`CollectingDispatcher`, and assertions on the events and the responses the action sends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ActionAnswerQuestion, ActionConfidentialIntro
from actions.confidence import INTENT_SURE, OUT_OF_SCOPE_UNSURE
from actions.dialogue import ActionHandleFallback, ActionOutOfScope, guessed_topic
from actions.guidance.advice import ActionCancelForm
from actions.handoff import cases as handoff_cases
from actions.handoff.actions import ActionFinishHandoff, ActionRestart, ActionSessionStart, handoff_topic
from actions.handoff.form import ValidateHandoffForm, consent_answer
from actions.knowledge.base import KnowledgeBase, set_knowledge_base
from actions.knowledge.entry import Entry
from actions.knowledge.loader import load_entries
from actions.paths import KNOWLEDGE_DIR
from cases import store as case_store

ALWAYS_OPEN = "timezone: Europe/Brussels\nhours: {%s}\n" % ", ".join(
    f'{d}: ["00:00", "24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
ALWAYS_CLOSED = "timezone: Europe/Brussels\nhours: {}\n"


def entry(entry_id: str, topic: str, title: str, answer: str, keywords: List[str], **extra: Any) -> Entry:
    """A knowledge entry with the same text in both languages."""
    return Entry.from_dict(
        {
            "id": entry_id,
            "topic": topic,
            "type": extra.pop("type", "fact"),
            "title": {"en": title, "nl": title + " (nl)"},
            "answer": {"en": answer, "nl": answer + " (nl)"},
            "source_url": f"https://example.org/{entry_id}",
            "reviewed": "2026-11-01",
            "keywords": {"en": keywords, "nl": keywords},
            **extra,
        }
    )


@pytest.fixture
def kb() -> Iterator[KnowledgeBase]:
    """Four entries, handed to the actions the way the action server does at start-up."""
    built = KnowledgeBase(
        [
            entry("startup_overview", "startup", "Starting a business", "The main steps.", ["start"], type="overview"),
            entry(
                "registration_cost",
                "startup",
                "What registration costs",
                "Registration costs EUR 105.50.",
                ["cost", "price", "fee", "registration", "register"],
                related=["startup_overview"],
            ),
            entry(
                "agency_overview", "agency", "About the agency", "We help entrepreneurs.", ["agency"], type="overview"
            ),
            entry("financing_overview", "financing", "Financing", "Loans and subsidies.", ["loan"], type="overview"),
        ]
    )
    set_knowledge_base(built)
    yield built
    set_knowledge_base(None)


@pytest.fixture
def cases_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh case database and always-open office hours for this test."""
    monkeypatch.setenv("CASES_DB_URL", f"sqlite:///{tmp_path / 'cases.db'}")
    hours = tmp_path / "office_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    monkeypatch.setenv("OFFICE_HOURS_FILE", str(hours))
    handoff_cases.cases_engine.cache_clear()
    yield hours
    handoff_cases.cases_engine().dispose()
    handoff_cases.cases_engine.cache_clear()


def user(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """A user event as the action server receives it."""
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return {"event": "user", "text": text, "parse_data": parse_data}


def tracker(
    text: str = "",
    intent: str = "",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    sender_id: str = "test-user",
) -> Tracker:
    """A tracker whose latest message is `text` with `intent`, after `events`."""
    latest = user(text, intent, entities)
    return Tracker(
        sender_id,
        {"language": "en", **(slots or {})},
        latest["parse_data"],
        [*(events or []), latest],
        False,
        None,
        {},
        "action_listen",
    )


def run(action: Action, tracker_: Tracker) -> tuple:
    """Run an action; (events, responses sent, messages sent)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    return events, [m.get("response") for m in dispatcher.messages], dispatcher.messages


# --- answering


def test_question_gets_the_entry_that_answers_it_and_its_follow_up(kb: KnowledgeBase) -> None:
    events, responses, messages = run(
        ActionAnswerQuestion(), tracker("what does registration cost, what is the fee?", "ask_startup")
    )
    assert events == [SlotSet("last_topic", "startup"), SlotSet("last_entry", "registration_cost")]
    assert responses == ["utter_answer", "utter_followup_startup"]
    assert messages[0]["title"] == "What registration costs"
    assert messages[0]["source_url"] == "https://example.org/registration_cost"
    assert messages[0]["reviewed"] == "2026-11-01"
    assert [b["title"] for b in messages[1]["buttons"]] == ["Starting a business"]


def test_answer_is_in_the_conversation_language(kb: KnowledgeBase) -> None:
    _, _, messages = run(
        ActionAnswerQuestion(), tracker("wat kost de registratie, welke fee?", "ask_startup", slots={"language": "nl"})
    )
    assert messages[0]["answer"] == "Registration costs EUR 105.50. (nl)"


def test_a_button_names_its_entry_outright(kb: KnowledgeBase) -> None:
    button = [{"entity": "entry_id", "value": "registration_cost"}]
    events, responses, messages = run(
        ActionAnswerQuestion(), tracker('/ask_agency{"entry_id": "registration_cost"}', "ask_agency", entities=button)
    )
    assert events == [SlotSet("last_topic", "startup"), SlotSet("last_entry", "registration_cost")]
    assert messages[0]["title"] == "What registration costs"


@pytest.fixture
def real_kb() -> Iterator[KnowledgeBase]:
    """The project's own knowledge, handed to the actions as the action server does."""
    built = KnowledgeBase(load_entries(KNOWLEDGE_DIR))
    set_knowledge_base(built)
    yield built
    set_knowledge_base(None)


def test_a_sure_answer_shows_an_equally_close_aspect_of_the_same_measure_after_it(real_kb: KnowledgeBase) -> None:
    """The measure's entry says when one may apply again, its application entry ties: the user gets both."""
    named = [{"entity": "measure", "value": "kmo-groeisubsidie"}]
    question = "kmo-groeisubsidie: when may we apply again after a first one?"
    _, responses, messages = run(ActionAnswerQuestion(), tracker(question, "ask_financing", entities=named))
    assert responses[:2] == ["utter_answer", "utter_answer_alternative"]
    assert any("36 months" in m["answer"] for m in messages[:2])


def test_unanswerable_question_gets_the_topic_overview_said_honestly(kb: KnowledgeBase) -> None:
    events, responses, messages = run(
        ActionAnswerQuestion(), tracker("can my parrot sign the papers for me tomorrow?", "ask_financing")
    )
    assert events == [SlotSet("last_topic", "financing"), SlotSet("last_entry", None)]
    assert responses[0] == "utter_answer_not_specific"
    assert messages[0]["title"] == "Financing"


def test_a_followup_with_nothing_before_it_gets_the_overview_said_honestly(kb: KnowledgeBase) -> None:
    # "and in Gent?" as the first message asks something that no answer before it explains
    _, responses, _ = run(ActionAnswerQuestion(), tracker("and how much?", "ask_financing"))
    assert responses[0] == "utter_answer_not_specific"
    # a bare topic word is a request for the overview itself
    _, responses, messages = run(ActionAnswerQuestion(), tracker("financing", "ask_financing"))
    assert responses[0] != "utter_answer_not_specific" and messages[0]["title"] == "Financing"


def test_confidential_intro_without_a_detailed_question_answers_nothing(kb: KnowledgeBase) -> None:
    events, responses, _ = run(ActionConfidentialIntro(), tracker("we cannot pay our suppliers", "confidential"))
    assert events == [SlotSet("sensitive", True)]
    assert responses == ["utter_confidential_intro"]


def test_confidential_intro_answers_a_detailed_factual_question_first(kb: KnowledgeBase) -> None:
    question = "we can't pay our debts and I need to know what the registration fee costs, what is the price of it"
    events, responses, _ = run(ActionConfidentialIntro(), tracker(question, "confidential"))
    assert events == [SlotSet("last_topic", "startup"), SlotSet("last_entry", "registration_cost")] + [
        SlotSet("sensitive", True)
    ]
    assert responses == ["utter_answer", "utter_confidential_intro"]


def test_a_confidential_sounding_plain_question_is_answered_without_handoff(kb: KnowledgeBase) -> None:
    question = "I'm a bit worried, can you tell me what the registration fee costs and what the price is"
    events, responses, _ = run(ActionConfidentialIntro(), tracker(question, "confidential"))
    assert SlotSet("sensitive", False) in events and SlotSet("last_entry", "registration_cost") in events
    assert "utter_confidential_intro" not in responses and responses[0] == "utter_answer"


def test_a_confidential_sounding_message_without_an_answer_gets_the_advisor_offered(kb: KnowledgeBase) -> None:
    message = tracker("can someone have a look at my plans", "confidential")
    events, responses, _ = run(ActionConfidentialIntro(), message)
    assert events == [SlotSet("sensitive", False)]
    assert responses == ["utter_confidential_offer"]


def test_a_followup_is_answered_against_the_previous_entry(kb: KnowledgeBase) -> None:
    previous = {"last_entry": "registration_cost", "last_topic": "startup"}
    message = tracker("and what does that cost?", "out_of_scope", slots=previous)
    events, responses, messages = run(ActionOutOfScope(), message)
    assert responses[0] in ("utter_answer", "utter_answer_closest")
    assert messages[0]["title"] == "What registration costs"


def test_another_countrys_company_law_gets_its_own_reply(kb: KnowledgeBase) -> None:
    events, responses, _ = run(ActionOutOfScope(), tracker("how do I set up a GmbH in Germany", "out_of_scope"))
    assert events == [] and responses == ["utter_out_of_scope_abroad"]


def test_company_law_abroad_classed_as_such_gets_that_reply_without_a_country_cue(kb: KnowledgeBase) -> None:
    events, responses, _ = run(ActionOutOfScope(), tracker("how do I form an LLC", "out_of_scope_abroad"))
    assert events == [] and responses == ["utter_out_of_scope_abroad"]


def with_confidence(tracker_: Tracker, confidence: float) -> Tracker:
    """The same tracker with another classifier confidence for the latest message."""
    tracker_.latest_message["intent"]["confidence"] = confidence
    return tracker_


def test_an_unsure_out_of_scope_verdict_on_a_question_with_a_sure_answer_gets_the_answer(kb: KnowledgeBase) -> None:
    question = "what is the registration fee, what does registration cost?"
    unsure = (INTENT_SURE + OUT_OF_SCOPE_UNSURE) / 2  # not sure it is out of scope, sure enough of the intent
    events, responses, messages = run(ActionOutOfScope(), with_confidence(tracker(question, "out_of_scope"), unsure))
    assert responses[0] == "utter_answer" and messages[0]["title"] == "What registration costs"
    # a verdict that was a mere guess: the same entry, as the closest information
    guess = INTENT_SURE - 0.05
    events, responses, messages = run(ActionOutOfScope(), with_confidence(tracker(question, "out_of_scope"), guess))
    assert responses[0] == "utter_answer_closest" and messages[0]["title"] == "What registration costs"
    # the same verdict when the classifier is sure: declined, the knowledge is not searched for an answer
    events, responses, _ = run(ActionOutOfScope(), with_confidence(tracker(question, "out_of_scope"), 0.95))
    assert events == [] and responses == ["utter_out_of_scope"]


def test_an_out_of_scope_question_that_an_entry_refers_elsewhere_gets_that_referral() -> None:
    referral = entry(
        "personal_tax_return",
        "agency",
        "Personal income tax return: the tax administration, not the agency",
        "Your personal tax return is handled by the tax administration.",
        ["personal tax return", "tax return", "personal income tax"],
    )
    set_knowledge_base(KnowledgeBase([referral]))
    try:
        message = with_confidence(tracker("how do I file my personal tax return", "out_of_scope"), 0.97)
        events, responses, messages = run(ActionOutOfScope(), message)
    finally:
        set_knowledge_base(None)
    assert responses[0] == "utter_answer" and messages[0]["title"].startswith("Personal income tax return")


def test_an_answer_is_only_as_sure_as_the_intent_that_chose_its_topic(kb: KnowledgeBase) -> None:
    question = "what is the registration fee, what does registration cost?"
    _, responses, _ = run(ActionAnswerQuestion(), with_confidence(tracker(question, "ask_startup"), 0.9))
    assert responses[0] == "utter_answer"
    guess = INTENT_SURE - 0.05
    _, responses, messages = run(ActionAnswerQuestion(), with_confidence(tracker(question, "ask_startup"), guess))
    assert responses[0] == "utter_answer_closest" and messages[0]["title"] == "What registration costs"


def test_an_unsure_out_of_scope_verdict_on_a_dispute_reaches_the_advisor(kb: KnowledgeBase) -> None:
    text = "our landlord refuses to return the deposit and is threatening us with a lawyer"
    unsure = OUT_OF_SCOPE_UNSURE - 0.05
    events, responses, _ = run(ActionOutOfScope(), with_confidence(tracker(text, "out_of_scope"), unsure))
    assert responses == ["utter_confidential_intro", "utter_handoff_intro"]
    assert events == [SlotSet("sensitive", True), FollowupAction("handoff_form")]
    # a sure out-of-scope verdict is not second-guessed by the word list
    events, responses, _ = run(ActionOutOfScope(), with_confidence(tracker(text, "out_of_scope"), 0.95))
    assert responses == ["utter_out_of_scope"]


def test_a_dispute_the_classifier_could_not_place_reaches_the_advisor(kb: KnowledgeBase) -> None:
    text = "our landlord refuses to return the deposit and is threatening us with a lawyer"
    events, responses, _ = run(ActionHandleFallback(), tracker(text, "nlu_fallback"))
    assert responses == ["utter_confidential_intro", "utter_handoff_intro"]
    assert events == [SlotSet("sensitive", True), FollowupAction("handoff_form")]
    # a message it could not place without a sensitive situation is still asked to be rephrased
    events, responses, _ = run(ActionHandleFallback(), tracker("our landlord is a nice man", "nlu_fallback"))
    assert responses == ["utter_please_rephrase"]


def test_a_short_message_the_classifier_could_not_place_that_names_a_permit_gets_its_entry(
    real_kb: KnowledgeBase,
) -> None:
    """Two content words are too vague to answer on their own, unless one of them names an entry."""
    named = [{"entity": "permit", "value": "dienstenchequebedrijf"}]
    text = "dienstenchequebedrijf beginnen: wat nu?"
    events, responses, _ = run(ActionHandleFallback(), tracker(text, "nlu_fallback", entities=named))
    # without the name it stays too vague to answer
    _, vague, _ = run(ActionHandleFallback(), tracker("bedrijf beginnen: wat nu?", "nlu_fallback"))
    assert responses[0] in ("utter_answer", "utter_answer_closest")
    assert SlotSet("last_entry", "service_voucher_recognition") in events
    assert vague == ["utter_please_rephrase"]


def test_a_question_about_another_country_without_a_sure_answer_gets_the_other_country_reply(
    kb: KnowledgeBase,
) -> None:
    message = tracker("what must I do to open a shop in France", "ask_startup")
    events, responses, _ = run(ActionAnswerQuestion(), message)
    assert events == [] and responses == ["utter_out_of_scope_abroad"]
    # someone from abroad settling here asks a Flemish question
    events, responses, _ = run(
        ActionAnswerQuestion(), tracker("I'm French, what does registration cost in Ghent?", "ask_startup")
    )
    assert responses[0] in ("utter_answer", "utter_answer_closest")
    # growing abroad is export, a Flemish question: "abroad" names no country
    text = "we want to hire an export manager to grow abroad, what does registration cost"
    events, responses, _ = run(ActionAnswerQuestion(), tracker(text, "ask_startup"))
    assert "utter_out_of_scope_abroad" not in responses


def test_an_insult_gets_the_calm_reply_even_when_it_names_a_topic(kb: KnowledgeBase) -> None:
    previous = {"last_entry": "registration_cost", "last_topic": "startup"}
    message = tracker("your answer about the registration cost was rubbish", "out_of_scope_abuse", slots=previous)
    events, responses, _ = run(ActionOutOfScope(), message)
    assert events == [] and responses == ["utter_out_of_scope_abuse"]


# --- not understood twice in a row


def test_first_miss_asks_to_rephrase(kb: KnowledgeBase) -> None:
    events, responses, _ = run(ActionHandleFallback(), tracker("blorp", "nlu_fallback", events=[user("hi", "greet")]))
    assert events == []
    assert responses == ["utter_please_rephrase"]


def test_second_miss_in_a_row_offers_an_advisor(kb: KnowledgeBase) -> None:
    events, responses, _ = run(
        ActionHandleFallback(), tracker("blorp again", "nlu_fallback", events=[user("blorp", "nlu_fallback")])
    )
    assert responses == ["utter_handoff_intro"]
    assert events == [SlotSet("handoff_reason", "not_understood"), FollowupAction("handoff_form")]


def too_close_to_call(text: str, *ranking: tuple) -> Tracker:
    """A message the FallbackClassifier declined: its best intents (name, confidence) were too close or too low."""
    tracked = tracker(text, "nlu_fallback", events=[user("hi", "greet")])
    tracked.latest_message["intent"]["confidence"] = 0.27
    tracked.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.27},
        *({"name": name, "confidence": confidence} for name, confidence in ranking),
    ]
    return tracked


@pytest.mark.parametrize(
    "text, ranking",
    [
        ("I need a person from the agency to help me", (("ask_human", 0.34), ("ask_agency", 0.3))),
        ("kunnen jullie iemand sturen? liever een gesprek", (("ask_agency", 0.31), ("ask_human", 0.28))),
    ],
)
def test_a_request_for_a_person_too_close_to_call_offers_the_advisor_at_once(
    kb: KnowledgeBase, text: str, ranking: tuple
) -> None:
    events, responses, _ = run(ActionHandleFallback(), too_close_to_call(text, *ranking))
    assert responses == ["utter_handoff_intro"]  # the handoff then asks for consent first
    assert events == [FollowupAction("handoff_form")]
    # the case is filed as a request for an advisor, not as a message the bot did not understand
    events_then = [*too_close_to_call(text, *ranking).events, form_started(), user("yes", "affirm")]
    filed = Tracker("s", {"last_topic": None}, {}, events_then, False, None, {}, "action_listen")
    assert handoff_topic(filed) == "asked_for_advisor"


@pytest.mark.parametrize(
    "ranking",
    [
        (("ask_human", 0.2), ("ask_agency", 0.19)),  # below the fallback threshold: a guess
        (("ask_agency", 0.34), ("ask_location", 0.31), ("ask_human", 0.3)),  # a person only third
    ],
)
def test_a_weaker_guess_at_a_person_only_asks_to_rephrase(kb: KnowledgeBase, ranking: tuple) -> None:
    events, responses, _ = run(ActionHandleFallback(), too_close_to_call("blorp", *ranking))
    assert (events, responses) == ([], ["utter_please_rephrase"])


def test_a_message_not_understood_surely_is_answered_in_the_topic_of_the_best_guess(real_kb: KnowledgeBase) -> None:
    """Unsure is not clueless: the best guess (financing) steers the retrieval to the training incentive."""
    text = "our print shop has 12 people and two of them should follow a forklift course, can something pay part of it"
    unsure = too_close_to_call(text, ("ask_financing", 0.24), ("ask_startup", 0.15))
    events, responses, _ = run(ActionHandleFallback(), unsure)
    assert responses[0] == "utter_answer_closest"  # a guess: said as the closest information, never as sure
    assert SlotSet("last_entry", "vlaamse_opleidingsincentives") in events


@pytest.mark.parametrize(
    "ranking, topic",
    [
        ((("ask_financing", 0.23), ("ask_startup", 0.15)), "financing"),  # well ahead: its topic breaks ties
        ((("ask_agency", 0.33), ("ask_clusters", 0.31)), None),  # a tie between two topics names neither
        ((("greet", 0.2), ("ask_startup", 0.1)), None),  # not a topic
    ],
)
def test_only_a_clear_best_guess_names_the_topic_of_an_unsure_message(ranking: tuple, topic: Optional[str]) -> None:
    assert guessed_topic(too_close_to_call("some question", *ranking).latest_message) == topic


def test_second_miss_with_an_open_case_does_not_start_another_handoff(kb: KnowledgeBase) -> None:
    events, responses, _ = run(
        ActionHandleFallback(),
        tracker("blorp again", "nlu_fallback", slots={"case_id": "7"}, events=[user("blorp", "nlu_fallback")]),
    )
    assert events == []
    assert responses == ["utter_please_rephrase"]


# --- the handoff


def form_started() -> Dict[str, Any]:
    return {"event": "active_loop", "name": "handoff_form"}


@pytest.mark.parametrize(
    "before, last_topic, expected",
    [
        ([user("we cannot pay our debts", "confidential")], None, "confidential"),
        ([user("I want a person", "ask_human")], "financing", "financing"),
        ([user("I want a person", "ask_human")], None, "asked_for_advisor"),
        ([user("blorp", "nlu_fallback")], None, "not_understood"),
        ([], None, "asked_for_advisor"),
    ],
)
def test_handoff_topic(before: List[Dict[str, Any]], last_topic: Optional[str], expected: str) -> None:
    events = [*before, form_started(), user("yes", "affirm")]
    tracked = Tracker("s", {"last_topic": last_topic}, {}, events, False, None, {}, "action_listen")
    assert handoff_topic(tracked) == expected


def test_handoff_topic_looks_at_the_message_before_the_form_not_the_answers() -> None:
    events = [user("I want a person", "ask_human"), form_started(), user("we cannot pay our debts", "confidential")]
    tracked = Tracker("s", {"last_topic": None}, {}, events, False, None, {}, "action_listen")
    assert handoff_topic(tracked) == "asked_for_advisor"


HANDOFF_SLOTS = {
    "handoff_consent": "yes",
    "contact_name": "Anna",
    "contact": "anna@example.org",
    "contact_language": "en",
    "case_summary": "cannot pay suppliers",
}


def test_declined_handoff_opens_no_case(cases_db: Path) -> None:
    events, responses, _ = run(
        ActionFinishHandoff(), tracker("no", "deny", slots={"handoff_consent": "no"}, sender_id="declined")
    )
    assert responses == ["utter_handoff_declined"]
    assert all(e["event"] == "slot" and e["value"] is None for e in events)
    assert handoff_cases.open_case("declined") is None


def test_handoff_in_office_hours_opens_a_waiting_case_and_pauses_the_bot(cases_db: Path) -> None:
    before = [user("we cannot pay our debts", "confidential"), form_started()]
    events, responses, messages = run(
        ActionFinishHandoff(), tracker("done", "inform", slots=HANDOFF_SLOTS, events=before, sender_id="live")
    )
    case = handoff_cases.open_case("live")
    assert case is not None
    assert (case["status"], case["topic"], case["contact"], case["summary"]) == (
        "waiting",
        "confidential",
        "anna@example.org",
        "cannot pay suppliers",
    )
    assert responses == ["utter_case_waiting"]
    assert messages[0]["case_id"] == str(case["id"])
    assert events[-3:] == [SlotSet("case_id", str(case["id"])), ActionExecuted("action_listen"), ConversationPaused()]


def test_handoff_outside_office_hours_becomes_a_callback(cases_db: Path) -> None:
    cases_db.write_text(ALWAYS_CLOSED)
    events, responses, messages = run(
        ActionFinishHandoff(), tracker("done", "inform", slots=HANDOFF_SLOTS, sender_id="after-hours")
    )
    case = handoff_cases.open_case("after-hours")
    assert case is not None and case["status"] == "callback"
    assert responses == ["utter_case_callback_later"]  # never open: no date is promised
    assert messages[0]["contact"] == "anna@example.org"
    assert ConversationPaused() not in events


@pytest.mark.parametrize(
    "forged",
    [
        {"contact": "not an address"},
        {"contact": "anna@example"},
        {"contact": "ANNA@example.org"},  # the form lower-cases addresses
        {"contact": "+32 470 12 34 56"},  # the form keeps digits only
        {"contact": "123"},
        {"contact": None},
        {"contact": ["anna@example.org"]},
        {"contact_name": "/restart"},
        {"contact_name": "x" * 81},
        {"contact_language": "fr"},
        {"case_summary": "  padded  "},
        {"case_summary": "y" * 501},
        {"handoff_consent": None},
        {"handoff_consent": "maybe"},
    ],
)
def test_handoff_with_slots_the_form_would_not_store_opens_no_case(cases_db: Path, forged: Dict[str, Any]) -> None:
    events, responses, _ = run(
        ActionFinishHandoff(),
        tracker("done", "inform", slots={**HANDOFF_SLOTS, **forged}, sender_id="forged-slots"),
    )
    assert responses == ["utter_handoff_failed"]
    assert all(e["event"] == "slot" and e["value"] is None for e in events)
    assert handoff_cases.open_case("forged-slots") is None


def test_handoff_stores_a_tidied_phone_number_the_form_accepted(cases_db: Path) -> None:
    slots = {**HANDOFF_SLOTS, "contact": "+32470123456", "contact_language": "nl"}
    _, responses, _ = run(ActionFinishHandoff(), tracker("done", "inform", slots=slots, sender_id="phone"))
    case = handoff_cases.open_case("phone")
    assert responses == ["utter_case_waiting"]
    assert case is not None and (case["contact"], case["language"]) == ("+32470123456", "nl")


def test_second_handoff_of_a_conversation_points_to_its_case(cases_db: Path) -> None:
    case, _ = case_store.open_or_create_case(handoff_cases.cases_engine(), "twice")
    events, responses, messages = run(
        ActionFinishHandoff(), tracker("done", "inform", slots=HANDOFF_SLOTS, sender_id="twice")
    )
    assert responses == ["utter_case_exists"]
    assert SlotSet("case_id", str(case["id"])) in events


def test_session_start_keeps_slots_and_stays_paused_while_an_advisor_holds_the_case(cases_db: Path) -> None:
    case_store.open_or_create_case(handoff_cases.cases_engine(), "held")
    events, _, _ = run(ActionSessionStart(), tracker(slots={"last_topic": "financing"}, sender_id="held"))
    assert events[0] == SessionStarted()
    assert SlotSet("last_topic", "financing") in events
    assert events[-2:] == [ConversationPaused(), ActionExecuted("action_listen")]

    events, _, _ = run(ActionSessionStart(), tracker(sender_id="nobody-holds-this"))
    assert ConversationPaused() not in events


def test_restart_is_refused_while_an_advisor_holds_the_case(cases_db: Path) -> None:
    case_store.open_or_create_case(handoff_cases.cases_engine(), "held")
    events, _, _ = run(ActionRestart(), tracker("/restart", "restart", sender_id="held"))
    assert [e["event"] for e in events] == ["rewind", "action", "pause"]
    events, _, _ = run(ActionRestart(), tracker("/restart", "restart", sender_id="free"))
    assert events == [Restarted()]


# --- the handoff form's answers


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes, why not", "inform", "yes"),
        ("ja hoor, waarom niet", "nlu_fallback", "yes"),
        ("ja hoor, waarom niet", "deny", "yes"),
        ("sure", "nlu_fallback", "yes"),
        ("graag", "inform", "yes"),
        ("no thanks", "inform", "no"),
        ("nee, liever niet", "inform", "no"),
        ("not now", "nlu_fallback", "no"),
        ("I'd rather not", "deny", "no"),
        ("no, why not tell me first", "inform", "no"),
        ("whatever", "affirm", "yes"),
        ("what happens to my data?", "inform", None),
    ],
)
def test_consent_answer(text: str, intent: str, expected: Optional[str]) -> None:
    assert consent_answer(tracker(text, intent), text) == expected


def test_unclear_consent_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    answer = ValidateHandoffForm().validate_handoff_consent("hmm?", dispatcher, tracker("hmm?", "inform"), {})
    assert answer == {"handoff_consent": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_option"]


def test_invalid_contact_is_refused_with_its_own_reply() -> None:
    dispatcher = CollectingDispatcher()
    answer = ValidateHandoffForm().validate_contact("call me maybe", dispatcher, tracker("call me maybe", "inform"), {})
    assert answer == {"contact": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_contact"]


def test_valid_contact_is_tidied_silently() -> None:
    dispatcher = CollectingDispatcher()
    text = "you can reach me at +32 470 12 34 56"
    answer = ValidateHandoffForm().validate_contact(text, dispatcher, tracker(text, "inform"), {})
    assert answer == {"contact": "+32470123456"}
    assert dispatcher.messages == []


def test_office_hours_are_read_from_the_cases_package() -> None:
    from cases.office_hours import OfficeHours

    hours = OfficeHours.load()
    monday_noon = dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.timezone.utc)
    assert hours.is_open(monday_noon)


# --- guided forms


def in_form(text: str, intent: str, form: str, requested: str) -> Tracker:
    """A tracker inside `form`, which has just asked for `requested`."""
    latest = user(text, intent)
    return Tracker(
        "test-user",
        {"language": "en", "requested_slot": requested},
        latest["parse_data"],
        [latest],
        False,
        None,
        {"name": form},
        "action_listen",
    )


def test_an_answer_classed_as_stop_is_taken_as_the_answer(kb: KnowledgeBase) -> None:
    events, responses, _ = run(ActionCancelForm(), in_form("established", "stop", "financing_form", "stage"))
    assert events == [SlotSet("stage", "established"), FollowupAction("financing_form")]
    assert responses == []


@pytest.mark.parametrize(
    "text, requested",
    [("Lotte Vermeulen", "contact_name"), ("our invoices are not being paid and the bank calls daily", "case_summary")],
)
def test_a_handoff_answer_classed_as_stop_is_taken_as_the_answer(kb: KnowledgeBase, text: str, requested: str) -> None:
    events, responses, _ = run(ActionCancelForm(), in_form(text, "stop", "handoff_form", requested))
    assert events == [SlotSet(requested, text), FollowupAction("handoff_form")] and responses == []


@pytest.mark.parametrize("text", ["stop", "never mind, forget it", "laat maar, ik wil niet meer"])
def test_a_handoff_question_answered_with_stop_in_words_cancels_it(kb: KnowledgeBase, text: str) -> None:
    events, responses, _ = run(ActionCancelForm(), in_form(text, "stop", "handoff_form", "contact_name"))
    assert ActiveLoop(None) in events and SlotSet("contact_name", None) in events
    assert responses == ["utter_form_cancelled"]


def test_stop_cancels_the_form_and_forgets_its_answers(kb: KnowledgeBase) -> None:
    events, responses, _ = run(ActionCancelForm(), in_form("stop, forget it", "stop", "financing_form", "stage"))
    assert ActiveLoop(None) in events and SlotSet("requested_slot", None) in events
    assert responses == ["utter_form_cancelled"]
