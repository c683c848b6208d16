"""The action server's responses are still checked against Rasa's schema, with the validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from assistant_components import action_response_check
from assistant_components.action_failure_policy import ActionFailurePolicy

GOOD = {
    "events": [{"event": "slot", "name": "language", "value": "nl", "timestamp": None}],
    "responses": [{"text": "Hallo!", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
}


@pytest.fixture
def installed():
    original = RemoteAction._validate_action_result
    action_response_check.install()
    yield RemoteAction("action_answer_question", None)
    RemoteAction._validate_action_result = original


def test_a_valid_response_passes(installed):
    assert installed._validate_action_result(GOOD) is True
    assert installed._validate_action_result({"events": [], "responses": []}) is True


@pytest.mark.parametrize(
    "bad",
    [
        {"events": [{"event": "slot", "name": 3}]},  # a slot event without a value and with a numeric name
        {"events": "not a list"},
        {"responses": [42]},
        {"events": [{"no_event_key": True}]},
    ],
)
def test_an_invalid_response_is_refused_with_rasas_hint(installed, bad):
    with pytest.raises(ValidationError) as refused:
        installed._validate_action_result(bad)
    assert "Failed to validate Action server response" in refused.value.message


def test_the_same_verdicts_as_rasas_own_check():
    from jsonschema import validate

    schema = RemoteAction.action_response_format_spec()
    for candidate in (GOOD, {"events": [{"event": "bot", "text": "hi"}]}, {"events": [{"event": "slot"}]}):
        try:
            validate(candidate, schema)
            expected = True
        except ValidationError:
            expected = False
        try:
            got = action_response_check.validate_action_result(RemoteAction("x", None), candidate)
        except ValidationError:
            got = False
        assert got == expected, candidate


def test_loading_the_policy_installs_the_check(tmp_path):
    original = RemoteAction._validate_action_result
    try:
        RemoteAction._validate_action_result = lambda self, result: True  # as if Rasa's own check were in place
        ActionFailurePolicy.create(
            ActionFailurePolicy.get_default_config(),
            LocalModelStorage(tmp_path),
            Resource("action_failure_policy"),
            ExecutionContext(GraphSchema({}), "test"),
        )
        assert RemoteAction._validate_action_result is action_response_check.validate_action_result
    finally:
        RemoteAction._validate_action_result = original
