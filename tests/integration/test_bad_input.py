"""Bad input never gets a 5xx or a stack trace: users get a polite reply, API clients a clear 4xx."""

from __future__ import annotations

import pytest
import requests

from tests.servers import text_of

pytestmark = pytest.mark.servers


def webhook(stack) -> str:
    return f"{stack.rasa_url}/webhooks/rest/webhook"


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \n\t ",
        "x" * 10_000,
        "🙈🙉🙊",
        "\u202e\u0000\ufeffzero\u200bwidth",
        "ŀŀ ℌ𝔢𝔩𝔩𝔬 ＫＢＯ",
        "a" + "\u0301" * 500,
    ],
    ids=["empty", "whitespace", "10k", "emoji", "control-and-bidi", "odd-unicode", "combining"],
)
def test_odd_messages_get_a_polite_reply(stack, sender, message):
    replies = stack.say(sender, message)
    text = text_of(replies)
    assert replies, "the user must always get a reply"
    assert "Traceback" not in text and "Exception" not in text


def test_conversation_still_works_after_odd_input(stack, sender):
    stack.say(sender, "x" * 10_000)
    assert "Source: http" in text_of(stack.say(sender, "what does it cost to register at an enterprise counter?"))


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"sender": "a", "message": ', "application/json"),
        (b"\xff\xfe\xfd not utf-8", "application/json"),
        (b'["sender", "message"]', "application/json"),
        (b'{"message": "hello"}', "application/json"),
        (b'{"sender": "", "message": "hello"}', "application/json"),
        (b'{"sender": "a", "message": 42}', "application/json"),
        (b'{"sender": "a", "message": "hi", "metadata": "nl"}', "application/json"),
        (b"sender=a&message=hi", "application/x-www-form-urlencoded"),
    ],
    ids=[
        "truncated",
        "invalid-utf8",
        "array",
        "missing-sender",
        "empty-sender",
        "number-message",
        "bad-metadata",
        "form-encoded",
    ],
)
def test_malformed_requests_get_a_clear_400(stack, body, content_type):
    response = requests.post(webhook(stack), data=body, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == 400
    assert "error" in response.json()


def test_message_over_the_limit_is_refused_clearly(stack, sender):
    response = requests.post(webhook(stack), json={"sender": sender, "message": "y" * 20_001}, timeout=30)
    assert response.status_code == 400
    assert "too long" in response.json()["error"]


def test_missing_sender_does_not_land_in_a_shared_conversation(stack):
    requests.post(webhook(stack), json={"message": "my secret plan"}, timeout=30)
    events = stack.tracker("default").get("events", [])
    assert not any(e.get("text") == "my secret plan" for e in events)
