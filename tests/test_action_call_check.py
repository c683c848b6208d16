"""The action server's shape check: calls as Rasa sends them pass, anything rasa-sdk would crash on is named."""

from __future__ import annotations

import copy

import pytest

from rasa_sdk_plugins.action_call_check import problem_with_shape

CALL = {
    "next_action": "action_answer_question",
    "sender_id": "conv-1",
    "tracker": {
        "sender_id": "conv-1",
        "slots": {"language": "en"},
        "latest_message": {"text": "hi", "intent": {"name": "greet"}, "entities": [{"entity": "x"}]},
        "events": [{"event": "action"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
    "domain": {},
    "version": "3.6.21",
}


def test_a_call_shaped_as_rasa_sends_it_passes() -> None:
    assert problem_with_shape(CALL) is None
    minimal = {"next_action": "action_x", "tracker": {"sender_id": "c"}}
    assert problem_with_shape(minimal) is None


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ((), [], "JSON object"),
        (("next_action",), ["a"], "next_action"),
        (("version",), 3, "version"),
        (("domain",), [], "domain"),
        (("tracker",), "x", "sender_id"),
        (("tracker", "sender_id"), 7, "sender_id"),
        (("tracker", "slots"), [], "tracker.slots"),
        (("tracker", "events"), [1, 2], "tracker.events"),
        (("tracker", "latest_message"), "hi", "tracker.latest_message"),
        (("tracker", "latest_message", "text"), {}, "latest_message.text"),
        (("tracker", "latest_message", "entities"), ["x"], "entities"),
    ],
)
def test_anything_else_is_named(path: tuple, value: object, named: str) -> None:
    call = copy.deepcopy(CALL)
    if not path:
        call = value
    else:
        target = call
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    problem = problem_with_shape(call)
    assert problem is not None and named in problem
