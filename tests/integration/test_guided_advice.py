"""Guided advice as a user goes through it: buttons and typed answers, interruptions, cancel, bad answers."""

from __future__ import annotations

import pytest

from tests.servers import payloads, text_of

pytestmark = pytest.mark.servers


def test_financing_finder_happy_path_with_typed_answers(stack, sender):
    first = stack.say(sender, "which subsidies fit my company?")
    assert "starting up" in text_of(first) and "established" in payloads(first)
    assert "couldn't match" not in text_of(first), "the request that starts the form is not a wrong answer"
    stack.say(sender, "we've been running for 8 years")
    stack.say(sender, "we are 12 people")
    result = text_of(stack.say(sender, "training for my staff"))
    assert "SME wallet" in result or "kmo-portefeuille" in result.lower()
    assert "Why it fits:" in result and "advice or training" in result
    assert "Source: http" in result


def test_financing_finder_never_offers_the_sme_wallet_to_a_large_company(stack, sender):
    stack.say(sender, '/request_guidance{"guide": "financing"}')
    stack.say(sender, "established")
    stack.say(sender, "large")
    result = text_of(stack.say(sender, "advice_training"))
    assert "kmo-portefeuille" not in result.lower() and "sme wallet" not in result.lower()


def test_question_in_the_middle_is_answered_and_the_form_goes_on(stack, sender):
    stack.say(sender, '/request_guidance{"guide": "cluster"}')
    interrupted = text_of(stack.say(sender, "what exactly is a cluster pact?"))
    assert "Source: http" in interrupted, "the side question gets its answer"
    assert "back to the questions" in interrupted and "domain" in interrupted
    stack.say(sender, "food")
    result = text_of(stack.say(sender, "network"))
    assert "Flanders' FOOD" in result or "Flanders FOOD" in result


def test_invalid_answer_is_asked_again(stack, sender):
    stack.say(sender, '/request_guidance{"guide": "permit"}')
    again = stack.say(sender, "banana")
    assert "couldn't match that" in text_of(again)
    assert "horeca" in payloads(again)
    stack.say(sender, "I'm opening a frituur")
    result = text_of(stack.say(sender, "in an existing shop, same use"))
    assert "FAVV" in result and "Source: http" in result


def test_stop_cancels_and_the_bot_carries_on(stack, sender):
    stack.say(sender, "can you give me a checklist to start my business?")
    cancelled = text_of(stack.say(sender, "stop"))
    assert "stopped the questions" in cancelled
    assert stack.tracker(sender)["active_loop"] in ({}, None) or not stack.tracker(sender)["active_loop"].get("name")
    assert "Source: http" in text_of(stack.say(sender, "what documents do I bring to the enterprise counter?"))


def test_startup_checklist_lists_ordered_steps(stack, sender):
    stack.say(sender, '/request_guidance{"guide": "startup"}')
    stack.say(sender, "secondary")
    stack.say(sender, "sole trader")
    result = text_of(stack.say(sender, "webdesign"))
    assert "1. " in result and "2. " in result and "3. " in result
    assert "enterprise counter" in result.lower()
    assert "http" in result
