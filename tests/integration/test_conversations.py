"""Conversations with the real Rasa server and action server over the REST webhook."""

from __future__ import annotations

import pytest

from tests.servers import payloads, text_of

pytestmark = pytest.mark.servers


def test_greeting_is_answered_with_the_topics(stack, sender):
    replies = stack.say(sender, "hello there")
    text = text_of(replies)
    assert "Starting a business" in text and "Innovation clusters" in text
    assert "/ask_financing" in payloads(replies)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("how much does it cost to register my business at an enterprise counter?", "105.50"),
        ("is there a platform to find empty business premises to rent?", "bizLocator"),
        ("which authority decides on a class 1 permit for my factory?", "provinc"),
        ("how much can a small company get from the kmo-portefeuille each year?", "7,500"),
        ("what is the spearhead cluster for logistics called?", "VIL"),
    ],
)
def test_each_topic_gets_a_specific_sourced_answer(stack, sender, question, expected):
    text = text_of(stack.say(sender, question))
    assert expected.lower() in text.lower()
    assert "Source: http" in text


def test_named_measure_gets_its_own_entry_not_the_overview(stack, sender):
    text = text_of(stack.say(sender, "what is the winwinlening?"))
    assert "2.5%" in text or "2,5%" in text
    assert "general overview" not in text


def test_unknown_specific_question_gets_overview_and_advisor(stack, sender):
    text = text_of(
        stack.say(sender, "is there a subsidy for buying a company car with a hydrogen engine for my bakery?")
    )
    assert "Source: http" in text
    assert "advisor" in text.lower()


@pytest.mark.parametrize(
    "message", ["what's the weather like in gent tomorrow?", "write me a python script to sort a list", "😂😂😂"]
)
def test_out_of_scope_is_declined_without_a_topic_answer(stack, sender, message):
    replies = stack.say(sender, message)
    text = text_of(replies)
    assert "Source:" not in text
    assert any(word in text.lower() for word in ("outside", "rephrase", "understand"))
    assert "/ask_startup" in payloads(replies)


def test_followup_offers_guidance_and_an_advisor(stack, sender):
    replies = stack.say(sender, "tell me about the kmo-portefeuille")
    assert any(p.startswith("/request_guidance") for p in payloads(replies))
    assert "/ask_human" in payloads(replies)
