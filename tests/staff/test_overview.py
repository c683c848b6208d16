"""The staff overview from a SQL tracker store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.paths import ROOT
from cases.database import make_engine
from staff_review.conversations import load_turns
from staff_review.overview import overview

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
DAY1 = datetime(2026, 11, 20, 10, 0).timestamp()
DAY2 = datetime(2026, 11, 21, 15, 0).timestamp()


def user(text, intent, at, confidence=0.9):
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
    return UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=at)


def action(name, at):
    return ActionExecuted(name, timestamp=at + 0.1)


def bot(response, at):
    return BotUttered("...", metadata={"utter_action": response}, timestamp=at + 0.2)


def slot(name, value, at):
    return SlotSet(name, value, timestamp=at + 0.1)


CONVERSATIONS = {
    # day 1, English: an answered financing question, then a hedged one, then "not what I asked"
    "en-1": [
        user("does the sme wallet pay for training", "ask_financing", DAY1),
        action("action_answer_question", DAY1),
        bot("utter_answer", DAY1),
        slot("last_topic", "financing", DAY1),
        user("subsidy for a robot arm", "ask_financing", DAY1 + 60, 0.5),
        action("action_answer_question", DAY1 + 60),
        bot("utter_answer_closest", DAY1 + 60),
        slot("last_topic", "financing", DAY1 + 60),
        user("that's not what I asked", "feedback_not_helpful", DAY1 + 120),
    ],
    # day 1, Dutch: not understood, then the handoff
    "nl-1": [
        user("blabla btw ding", "nlu_fallback", DAY1 + 300, 0.3),
        slot("language", "nl", DAY1 + 300),
        action("action_handle_fallback", DAY1 + 300),
        bot("utter_please_rephrase", DAY1 + 300),
        user("ik wil een mens spreken", "ask_human", DAY1 + 400),
        action("handoff_form", DAY1 + 400),
        ActiveLoop("handoff_form", timestamp=DAY1 + 400.5),
    ],
    # day 2, English: a start-up question only
    "en-2": [user("how do I start", "ask_startup", DAY2)],
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    db = tmp_path_factory.mktemp("tracker") / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    for sender, events in CONVERSATIONS.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)))
    return make_engine(f"sqlite:///{db}")


def test_counts_per_day_topic_and_language(engine):
    report = overview(engine, datetime(2026, 11, 19), datetime(2026, 11, 22))
    json.dumps(report)  # the desk page charts it as JSON
    assert [(d["date"], d["conversations"], d["messages"]) for d in report["per_day"]] == [
        ("2026-11-19", 0, 0),
        ("2026-11-20", 2, 5),
        ("2026-11-21", 1, 1),
    ]
    assert report["totals"]["conversations"] == 3
    assert report["per_language"] == {"en": 2, "nl": 1}
    # answered topic, else the asked one, else "other"
    assert report["per_topic"] == {"financing": 1, "other": 1, "startup": 1}


def test_outcome_rates_per_day(engine):
    report = overview(engine, datetime(2026, 11, 20), datetime(2026, 11, 22))
    day1 = report["per_day"][0]
    assert day1["rates"] == {"fallback": 0.2, "hedged": 0.2, "declined": 0.0, "handoff": 0.2, "negative_feedback": 0.2}
    assert day1["conversation_rates"] == {
        "fallback": 0.5,
        "hedged": 0.5,
        "declined": 0.0,
        "handoff": 0.5,
        "negative_feedback": 0.5,
    }
    outcomes = ("fallback", "hedged", "declined", "handoff", "negative_feedback")
    assert report["per_day"][1]["rates"] == dict.fromkeys(outcomes, 0.0)


def test_period_limits(engine):
    report = overview(engine, datetime(2026, 11, 21), datetime(2026, 11, 22))
    assert report["totals"]["conversations"] == 1 and report["per_topic"] == {"startup": 1}


def test_a_message_declined_as_out_of_scope_is_counted_for_review(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    events = [
        user("can I get a premium for the solar panels on my house", "out_of_scope", DAY2),
        action("action_out_of_scope", DAY2),
        bot("utter_out_of_scope", DAY2),
        user("how do I start", "ask_startup", DAY2 + 60),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("declined", events, slots=DOMAIN.slots)))
    engine = make_engine(f"sqlite:///{db}")
    (declined, started) = load_turns(engine, sender_id="declined")
    assert declined.outcomes == {"declined"} and not started.outcomes
    report = overview(engine, datetime(2026, 11, 21), datetime(2026, 11, 22))
    assert report["per_day"][0]["rates"]["declined"] == 0.5
