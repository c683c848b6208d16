"""Feedback under knowledge answers, through the real servers: the buttons, the replies, and the tracker.

Staff find negative feedback in the tracker (the inbox marks the turn before a `feedback_not_helpful`
message), so every test reads the conversation back through the HTTP API, as the staff tools do.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest

from tests.servers import payloads, text_of

pytestmark = pytest.mark.servers

QUESTION = {
    "en": "how much does it cost to register my business at an enterprise counter?",
    "nl": "hoeveel kost de inschrijving bij een ondernemingsloket?",
}
BUTTONS = {"en": ["👍 Helpful", "👎 Not what I asked"], "nl": ["👍 Dit helpt", "👎 Dat bedoelde ik niet"]}
REPHRASE = {"en": ("other words", "Talk to an advisor"), "nl": ("andere woorden", "Spreek met een adviseur")}


def feedback_buttons(replies: List[dict]) -> List[List[Dict[str, str]]]:
    """The feedback buttons under each answer (a hedged answer and its alternative have a pair each)."""
    pairs = [[b for b in r.get("buttons") or [] if b.get("payload", "").startswith("/feedback_")] for r in replies]
    return [pair for pair in pairs if pair]


def answer(stack: Any, sender: str, language: str) -> Dict[str, str]:
    """Ask the registration-cost question; the first answer's feedback buttons by intent, checked on the way."""
    replies = stack.say(sender, QUESTION[language])
    assert "105" in text_of(replies)
    pairs = feedback_buttons(replies)
    assert pairs and all([b["title"] for b in pair] == BUTTONS[language] for pair in pairs)
    return {b["payload"].split("{")[0].lstrip("/"): b["payload"] for b in pairs[0]}


def entry_of(payload: str) -> str:
    return json.loads(payload[payload.index("{") :])["entry_id"]


def recorded(stack: Any, sender: str) -> List[Dict[str, Optional[str]]]:
    """Every feedback the tracker holds, in order: value, entry, and the intent of the message that gave it."""
    events = stack.tracker(sender)["events"]
    found: List[Dict[str, Optional[str]]] = []
    intent = None
    for event in events:
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        elif event.get("event") == "slot" and event.get("name") == "feedback":
            found.append({"feedback": event.get("value"), "intent": intent})
        elif event.get("event") == "slot" and event.get("name") == "feedback_entry" and found:
            found[-1]["entry"] = event.get("value")
    return found


@pytest.mark.parametrize("language", ["en", "nl"])
def test_not_what_i_asked_button_offers_rephrasing_and_an_advisor_and_is_recorded(stack, sender, language):
    buttons = answer(stack, sender, language)
    replies = stack.say(sender, buttons["feedback_not_helpful"])
    rephrase, advisor = REPHRASE[language]
    assert rephrase in text_of(replies) and advisor in text_of(replies)
    assert "/ask_human" in payloads(replies)
    entry = entry_of(buttons["feedback_not_helpful"])
    assert recorded(stack, sender) == [{"feedback": "not_helpful", "intent": "feedback_not_helpful", "entry": entry}]
    assert stack.tracker(sender)["slots"]["feedback"] == "not_helpful"


@pytest.mark.parametrize("language, typed", [("en", "that's not what I asked"), ("nl", "dat bedoelde ik niet")])
def test_typed_not_what_i_asked_after_an_answer_is_the_same(stack, sender, language, typed):
    buttons = answer(stack, sender, language)
    replies = stack.say(sender, typed)
    rephrase, advisor = REPHRASE[language]
    assert rephrase in text_of(replies) and advisor in text_of(replies)
    entry = entry_of(buttons["feedback_not_helpful"])
    assert recorded(stack, sender) == [{"feedback": "not_helpful", "intent": "feedback_not_helpful", "entry": entry}]


def test_helpful_button_gets_a_short_thanks_and_is_recorded(stack, sender):
    buttons = answer(stack, sender, "en")
    assert "Glad that helped" in text_of(stack.say(sender, buttons["feedback_helpful"]))
    entry = entry_of(buttons["feedback_helpful"])
    assert recorded(stack, sender) == [{"feedback": "helpful", "intent": "feedback_helpful", "entry": entry}]


def test_thanks_after_an_answer_is_welcome_and_counts_as_helpful(stack, sender):
    buttons = answer(stack, sender, "en")
    assert "You're welcome" in text_of(stack.say(sender, "thanks, that helps"))
    entry = entry_of(buttons["feedback_helpful"])
    assert recorded(stack, sender) == [{"feedback": "helpful", "intent": "thank", "entry": entry}]


def test_thanks_after_a_greeting_is_not_feedback(stack, sender):
    stack.say(sender, "hello")
    assert "You're welcome" in text_of(stack.say(sender, "thank you"))
    assert recorded(stack, sender) == []


def test_feedback_on_an_answer_given_during_guided_advice_keeps_the_questions_going(stack, sender):
    stack.say(sender, '/request_guidance{"guide": "cluster"}')
    replies = stack.say(sender, "what exactly is a cluster pact?")
    assert "Source: http" in text_of(replies) and "domain" in text_of(replies)
    buttons = feedback_buttons(replies)[0]
    assert [b["title"] for b in buttons] == BUTTONS["en"]
    after = text_of(stack.say(sender, buttons[1]["payload"]))
    assert "other words" in after and "domain" in after, "recorded, then the finder asks its question again"
    assert "couldn't match" not in after
    assert recorded(stack, sender) == [
        {"feedback": "not_helpful", "intent": "feedback_not_helpful", "entry": entry_of(buttons[1]["payload"])}
    ]
    result = text_of(stack.say(sender, "food"))
    assert "want from a cluster" in result, "the answer after the feedback is taken"
