"""The policy that apologises when a custom action failed (action server down), and only then."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    DefinePrevUserUtteredFeaturization,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from assistant_components.action_failure_policy import ActionFailurePolicy

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask_startup, greet]
actions: [action_answer_question, action_session_start]
responses:
  utter_cannot_look_up: [{text: "Sorry, I can't look that up right now."}]
  utter_greet: [{text: "Hello!"}]
"""
)


@pytest.fixture
def policy(tmp_path: Path) -> ActionFailurePolicy:
    return ActionFailurePolicy.create(
        ActionFailurePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("action_failure_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def predicted(policy: ActionFailurePolicy, events: List[Event]) -> Optional[str]:
    """The action the policy predicts after `events`, or None when it abstains."""
    tracker = DialogueStateTracker.from_events("test", events, domain=DOMAIN)
    probabilities = policy.predict_action_probabilities(tracker, DOMAIN).probabilities
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return DOMAIN.action_names_or_texts[best] if probabilities[best] > 0 else None


def live_turn(text: str = "how much does registering cost?") -> List[Event]:
    """A user message as a running server records it (featurisation noted before the first action)."""
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "ask_startup", "confidence": 0.9}),
        DefinePrevUserUtteredFeaturization(False),
    ]


def test_custom_action_that_returned_nothing_gets_the_apology(policy: ActionFailurePolicy) -> None:
    events = [*live_turn(), ActionExecuted("action_answer_question", policy="RulePolicy")]
    assert predicted(policy, events) == "utter_cannot_look_up"


def test_after_the_apology_the_bot_listens(policy: ActionFailurePolicy) -> None:
    events = [
        *live_turn(),
        ActionExecuted("action_answer_question", policy="RulePolicy"),
        ActionExecuted("utter_cannot_look_up", policy="ActionFailurePolicy"),
    ]
    assert predicted(policy, events) == "action_listen"


def test_silent_actions_and_responses_are_not_failures(policy: ActionFailurePolicy) -> None:
    assert predicted(policy, [*live_turn(), ActionExecuted("action_session_start", policy="RulePolicy")]) is None
    assert predicted(policy, [*live_turn(), ActionExecuted("utter_greet", policy="RulePolicy")]) is None


def test_story_replays_without_a_live_server_are_not_failures(policy: ActionFailurePolicy) -> None:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("how much does registering cost?", {"name": "ask_startup", "confidence": 0.9}),
        ActionExecuted("action_answer_question", policy="RulePolicy"),
    ]
    assert predicted(policy, events) is None


def test_failed_session_start_gets_the_apology(policy: ActionFailurePolicy) -> None:
    events = [
        ActionExecuted("action_session_start"),
        UserUttered("hello", {"name": "greet", "confidence": 0.9}),
    ]
    assert predicted(policy, events) == "utter_cannot_look_up"


def test_normal_turn_abstains(policy: ActionFailurePolicy) -> None:
    assert predicted(policy, live_turn()) is None
