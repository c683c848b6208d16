"""When the action server is down the bot says it cannot look that up, then recovers when it is back.

It stops and restarts the shared action server; the integration conftest makes sure the action server is
up before every test, so this file may run in any position.
"""

from __future__ import annotations

import pytest

from tests.servers import text_of

pytestmark = pytest.mark.servers


def test_bot_apologises_while_the_action_server_is_down(stack, sender):
    stack.actions.stop()
    try:
        replies = stack.say(sender, "how much does registering at the enterprise counter cost?")
        text = text_of(replies)
        assert "can't look that up right now" in text
        assert "Source:" not in text
        greeting = text_of(stack.say(sender + "-new", "hello"))  # a new conversation cannot start its session
        assert "can't look that up right now" in greeting
    finally:
        stack.actions.start()
        stack.wait_for_actions()
    assert "105.50" in text_of(stack.say(sender, "how much does registering at the enterprise counter cost?"))
