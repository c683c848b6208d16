"""Feedback on knowledge answers, on its own: the buttons under each answer and what the action records.

Same style as tests/test_actions.py: a `Tracker` built from slots, events and the latest message, a
`CollectingDispatcher`, and assertions on the slots recorded and the responses sent. The real servers are
in tests/integration/test_feedback.py.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ActionAnswerQuestion
from actions.feedback import ANSWER_UTTERANCES, ActionRecordFeedback
from actions.guidance.forms import ValidateClusterForm
from actions.knowledge.base import KnowledgeBase, set_knowledge_base
from actions.knowledge.entry import Entry
from actions.paths import ROOT
from assistant_components.question_guard import QuestionGuard

NL = [{"type": "slot", "name": "language", "value": "nl"}]
RESPONSES: Dict[str, List[dict]] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def entry(entry_id: str, topic: str, title: str, keywords: List[str], **extra: Any) -> Entry:
    return Entry.from_dict(
        {
            "id": entry_id,
            "topic": topic,
            "type": extra.pop("type", "fact"),
            "title": {"en": title, "nl": title + " (nl)"},
            "answer": {"en": f"About {title}.", "nl": f"Over {title}."},
            "source_url": f"https://example.org/{entry_id}",
            "reviewed": "2026-11-01",
            "keywords": {"en": keywords, "nl": keywords},
            **extra,
        }
    )


@pytest.fixture
def kb() -> Iterator[KnowledgeBase]:
    built = KnowledgeBase(
        [
            entry("startup_overview", "startup", "Starting a business", ["start"], type="overview"),
            entry("registration_cost", "startup", "What registration costs", ["cost", "price", "fee", "registration"]),
            entry("agency_overview", "agency", "About the agency", ["agency"], type="overview"),
        ]
    )
    set_knowledge_base(built)
    yield built
    set_knowledge_base(None)


def user(text: str, intent: str, entities: Optional[List[dict]] = None, confidence: float = 0.9) -> Dict[str, Any]:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    return {"event": "user", "text": text, "parse_data": parse_data}


def bot(response: str, **values: Any) -> Dict[str, Any]:
    """A bot message as Rasa stores it after a custom action sent `response` with `values`."""
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response, **values}}


def answered(entry_id: str, response: str = "utter_answer") -> List[Dict[str, Any]]:
    """A question and the knowledge answer to it."""
    return [
        user("what does registration cost?", "ask_startup"),
        {"event": "action", "name": "action_answer_question"},
        bot(response, entry_id=entry_id, title="t"),
        bot("utter_followup_startup"),
        {"event": "action", "name": "action_listen"},
    ]


def tracker(
    text: str,
    intent: str,
    events: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[dict]] = None,
    confidence: float = 0.9,
    form: Optional[str] = None,
) -> Tracker:
    latest = user(text, intent, entities, confidence)
    return Tracker(
        "test-user",
        {"language": "en", **(slots or {})},
        latest["parse_data"],
        [*(events or []), latest, {"event": "action", "name": "action_extract_slots"}],
        False,
        None,
        {"name": form} if form else {},
        "action_listen",
    )


def run(action: Action, tracker_: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    return events, [m.get("response") for m in dispatcher.messages]


def button_click(intent: str, entry_id: str) -> tuple:
    """What the NLU makes of a feedback button: its payload as text, the intent, the entry as entity."""
    return f'/{intent}{{"entry_id": "{entry_id}"}}', intent, [{"entity": "entry_id", "value": entry_id}]


# --- the buttons under each answer


def test_every_knowledge_answer_carries_the_two_feedback_buttons_in_both_languages() -> None:
    for name in sorted(ANSWER_UTTERANCES):
        for variant in RESPONSES[name]:
            payloads = [b["payload"] for b in variant["buttons"]]
            filled = [interpolate(p, {"entry_id": "kmo_portefeuille"}) for p in payloads]
            assert filled == [
                '/feedback_helpful{"entry_id": "kmo_portefeuille"}',
                '/feedback_not_helpful{"entry_id": "kmo_portefeuille"}',
            ], name
    titles = {
        "en": [b["title"] for b in RESPONSES["utter_answer"][1]["buttons"]],
        "nl": [b["title"] for b in RESPONSES["utter_answer"][0]["buttons"]],
    }
    assert RESPONSES["utter_answer"][0]["condition"] == NL
    assert titles == {"en": ["👍 Helpful", "👎 Not what I asked"], "nl": ["👍 Dit helpt", "👎 Dat bedoelde ik niet"]}


def test_the_answer_names_its_entry_for_the_buttons(kb: KnowledgeBase) -> None:
    dispatcher = CollectingDispatcher()
    message = tracker("what does registration cost, what is the fee?", "ask_startup")
    asyncio.run(ActionAnswerQuestion().run(dispatcher, message, {}))
    assert dispatcher.messages[0]["response"] == "utter_answer"
    assert dispatcher.messages[0]["entry_id"] == "registration_cost"


def test_not_helpful_reply_apologises_asks_to_rephrase_and_offers_an_advisor() -> None:
    for variant in RESPONSES["utter_feedback_not_helpful"]:
        assert [b["payload"] for b in variant["buttons"]] == ["/ask_human"]
    english = next(v["text"] for v in RESPONSES["utter_feedback_not_helpful"] if not v.get("condition"))
    assert "Sorry" in english and "other words" in english and "advisor" in english


# --- what is recorded


def test_not_what_i_asked_button_records_the_entry_it_was_under() -> None:
    text, intent, entities = button_click("feedback_not_helpful", "registration_cost")
    events, responses = run(
        ActionRecordFeedback(),
        tracker(text, intent, answered("startup_overview"), {"last_entry": "startup_overview"}, entities),
    )
    assert events == [SlotSet("feedback", "not_helpful"), SlotSet("feedback_entry", "registration_cost")]
    assert responses == ["utter_feedback_not_helpful"]


def test_helpful_button_gets_a_short_thanks() -> None:
    text, intent, entities = button_click("feedback_helpful", "registration_cost")
    message = tracker(text, intent, answered("registration_cost"), None, entities)
    events, responses = run(ActionRecordFeedback(), message)
    assert events == [SlotSet("feedback", "helpful"), SlotSet("feedback_entry", "registration_cost")]
    assert responses == ["utter_feedback_helpful"]


def test_typed_feedback_is_about_the_answer_just_given_even_an_overview() -> None:
    # an overview answer leaves last_entry empty; the bot message still names its entry
    events, responses = run(
        ActionRecordFeedback(),
        tracker(
            "that's not what I asked", "feedback_not_helpful", answered("startup_overview", "utter_answer_not_specific")
        ),
    )
    assert events == [SlotSet("feedback", "not_helpful"), SlotSet("feedback_entry", "startup_overview")]
    assert responses == ["utter_feedback_not_helpful"]


def test_after_a_hedged_answer_with_an_alternative_feedback_is_about_the_first() -> None:
    events = answered("registration_cost", "utter_answer_closest")
    events.insert(3, bot("utter_answer_alternative", entry_id="startup_overview"))
    recorded, _ = run(ActionRecordFeedback(), tracker("dat bedoelde ik niet", "feedback_not_helpful", events))
    assert SlotSet("feedback_entry", "registration_cost") in recorded


def test_thanks_right_after_an_answer_is_recorded_as_helpful_with_the_usual_reply() -> None:
    message = tracker("thanks, that helps", "thank", answered("registration_cost"))
    events, responses = run(ActionRecordFeedback(), message)
    assert events == [SlotSet("feedback", "helpful"), SlotSet("feedback_entry", "registration_cost")]
    assert responses == ["utter_welcome"]


def test_feedback_on_an_older_answer_falls_back_to_the_remembered_entry() -> None:
    earlier = answered("registration_cost") + [user("ok", "affirm"), bot("utter_how_can_help")]
    events, _ = run(
        ActionRecordFeedback(),
        tracker("wrong answer", "feedback_not_helpful", earlier, {"last_entry": "registration_cost"}),
    )
    assert events == [SlotSet("feedback", "not_helpful"), SlotSet("feedback_entry", "registration_cost")]


def test_feedback_with_no_answer_to_refer_to_is_still_recorded() -> None:
    events, responses = run(ActionRecordFeedback(), tracker("daar heb ik niks aan", "feedback_not_helpful"))
    assert events == [SlotSet("feedback", "not_helpful"), SlotSet("feedback_entry", None)]
    assert responses == ["utter_feedback_not_helpful"]


# --- during guided advice (a topic question answered inside the form has the buttons too)


def validate_cluster_domain(text: str, intent: str, entities: Optional[List[dict]] = None, confidence: float = 1.0):
    dispatcher = CollectingDispatcher()
    message = tracker(
        text, intent, slots={"requested_slot": "cluster_domain"}, entities=entities, confidence=confidence
    )
    slots = ValidateClusterForm().validate_option("cluster_domain", text, dispatcher, message)
    return slots, [m.get("response") for m in dispatcher.messages]


def test_feedback_button_during_a_form_is_recorded_and_not_taken_as_an_answer(kb: KnowledgeBase) -> None:
    # the payload names flanders_food; "food" is also an answer option of this question
    text, intent, entities = button_click("feedback_helpful", "flanders_food")
    slots, responses = validate_cluster_domain(text, intent, entities)
    assert slots == {"cluster_domain": None, "feedback": "helpful", "feedback_entry": "flanders_food"}
    assert responses == ["utter_feedback_helpful"]


def test_an_unsure_feedback_guess_during_a_form_is_not_feedback(kb: KnowledgeBase) -> None:
    slots, responses = validate_cluster_domain("blorp", "feedback_not_helpful", confidence=0.3)
    assert slots == {"cluster_domain": None}
    assert responses == ["utter_invalid_option"]


def test_a_typed_answer_still_wins_during_a_form(kb: KnowledgeBase) -> None:
    slots, responses = validate_cluster_domain("food", "feedback_helpful", confidence=0.7)
    assert slots == {"cluster_domain": "food"} and responses == []


def test_button_payloads_are_json_the_nlu_can_read() -> None:
    payload = interpolate(RESPONSES["utter_answer"][1]["buttons"][1]["payload"], {"entry_id": "vil"})
    intent, _, body = payload.partition("{")
    assert intent == "/feedback_not_helpful" and json.loads("{" + body) == {"entry_id": "vil"}


# --- a question, even a short follow-up without a question mark, is never feedback


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("what does that answer mean for my shop?", "feedback_not_helpful", "nlu_fallback"),
        ("wat betekent dat antwoord voor mijn zaak?", "feedback_helpful", "nlu_fallback"),
        ("en hoeveel kan ik daarmee krijgen", "feedback_helpful", "nlu_fallback"),
        ("and how much can I get with that", "feedback_helpful", "nlu_fallback"),
        ("en wat kost dat", "feedback_helpful", "nlu_fallback"),
        ("that's not what I asked", "feedback_not_helpful", "feedback_not_helpful"),
        ("daar heb ik iets aan", "feedback_helpful", "feedback_helpful"),
        ("what a great answer!", "feedback_helpful", "feedback_helpful"),
        ("wat een goed antwoord", "feedback_helpful", "feedback_helpful"),
        ('/feedback_helpful{"entry_id": "vil"}', "feedback_helpful", "feedback_helpful"),
    ],
)
def test_a_question_classed_as_feedback_is_not_feedback(text: str, intent: str, expected: str) -> None:
    message = Message(data={TEXT: text, INTENT: {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 0.8}})
    guard = QuestionGuard(QuestionGuard.get_default_config())
    guard.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == expected
