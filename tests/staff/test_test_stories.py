"""A conversation from a real SQL tracker store (written by Rasa's own SQLTrackerStore) as a test story."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from actions.paths import ROOT
from cases.database import make_engine
from staff_review.test_stories import StoryError, append_test_story, conversation_to_test_story, story_names

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def user(text, intent, confidence=0.9, entities=()):
    return UserUttered(
        text,
        intent={"name": intent, "confidence": confidence},
        entities=list(entities),
        parse_data={"intent": {"name": intent, "confidence": confidence}, "entities": list(entities), "text": text},
    )


def bot(text, response):
    return BotUttered(text, metadata={"utter_action": response})


CONVERSATION = [
    ActionExecuted("action_session_start"),
    ActionExecuted("action_listen"),
    user(
        "does the kmo-portefeuille pay for training? mail me at an@firma.be",
        "ask_financing",
        entities=[{"entity": "measure", "value": "kmo-portefeuille", "start": 9, "end": 25}],
    ),
    SlotSet("language", "en"),
    ActionExecuted("action_answer_question"),
    bot("SME wallet ...", "utter_answer"),
    SlotSet("last_topic", "financing"),
    ActionExecuted("action_listen"),
    user("/request_guidance", "request_guidance", 1.0, [{"entity": "guide", "value": "financing"}]),
    SlotSet("language", "en"),  # unchanged: left out
    ActionExecuted("action_start_guidance"),
    SlotSet("guide", "financing"),
    ActionExecuted("financing_form"),
    ActiveLoop("financing_form"),
    SlotSet("requested_slot", "stage"),
    ActionExecuted("action_listen"),
]


@pytest.fixture
def tracker_engine(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker.from_events("anna-1", CONVERSATION, slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))
    return make_engine(f"sqlite:///{db}")


def parse(document: str):
    return YAMLStoryReader(DOMAIN).read_from_string(document)


def test_story_is_redacted_and_readable_by_rasa(tracker_engine):
    story = conversation_to_test_story(tracker_engine, "anna-1", "SME wallet question then the financing finder")
    assert "an@firma.be" not in story and "[EMAIL]" in story
    assert "[kmo-portefeuille](measure)" in story
    assert "action_session_start" not in story and "action_listen" not in story
    assert story.count("language: en") == 1
    (step,) = parse('version: "3.1"\nstories:\n' + story)
    assert step.block_name == "SME wallet question then the financing finder"
    users = [e for e in step.events if isinstance(e, UserUttered)]
    assert [u.intent_name for u in users] == ["ask_financing", "request_guidance"]
    assert users[0].entities[0]["entity"] == "measure" and users[0].entities[0]["value"] == "kmo-portefeuille"
    assert users[1].entities == [{"entity": "guide", "value": "financing"}]
    actions = [e.action_name for e in step.events if isinstance(e, ActionExecuted)]
    assert actions[:3] == ["action_answer_question", "action_start_guidance", "financing_form"]
    assert any(isinstance(e, ActiveLoop) and e.name == "financing_form" for e in step.events)


def test_appended_to_the_test_stories_file(tracker_engine, tmp_path):
    target = tmp_path / "test_stories.yml"
    shutil.copy(ROOT / "tests" / "test_stories.yml", target)
    before = story_names(target)
    story = conversation_to_test_story(tracker_engine, "anna-1", "saved from a real conversation")
    append_test_story(story, "saved from a real conversation", target)
    assert story_names(target) == before | {"saved from a real conversation"}
    steps = parse(target.read_text(encoding="utf-8"))
    assert len(steps) >= len(before) + 1
    with pytest.raises(StoryError, match="already has a story"):
        append_test_story(story, "saved from a real conversation", target)


def test_unknown_conversation_is_refused(tracker_engine):
    with pytest.raises(StoryError, match="no user message"):
        conversation_to_test_story(tracker_engine, "nobody", "x")
