"""Questions the assistant has not seen as such: follow-ups, situations, sensitive or not, out of scope.

Each test holds a conversation with the real Rasa server and action server and checks what the user sees.
"""

from __future__ import annotations

import pytest

from tests.servers import payloads, text_of

pytestmark = pytest.mark.servers


def active_loop(stack, sender):
    return (stack.tracker(sender).get("active_loop") or {}).get("name")


def test_followup_after_a_language_switch_is_answered_in_context(stack, sender):
    first = text_of(stack.say(sender, "wat is een omgevingsvergunning?"))
    assert "Bron: http" in first
    followup = text_of(stack.say(sender, "how long does it take?"))
    assert "Source: http" in followup, followup
    assert "105" in followup or "30 days" in followup, followup


def test_dutch_followup_on_a_measure_stays_with_that_measure(stack, sender):
    stack.say(sender, "wat is de kmo-portefeuille?")
    followup = text_of(stack.say(sender, "en hoeveel kan ik daarmee krijgen?"))
    assert "Bron: http" in followup, followup
    assert "portefeuille" in followup.lower()
    assert "buiten" not in followup.lower()  # not the out-of-scope reply


def test_a_followup_without_a_previous_answer_is_not_answered_from_thin_air(stack, sender):
    text = text_of(stack.say(sender, "and in Gent?"))
    assert "Source: http" not in text or "not sure" in text.lower() or "overview" in text.lower()


@pytest.mark.parametrize("message", ["a" * 5000, "1234567", "https://www.example.com/some/page"])
def test_degenerate_input_is_not_understood_never_a_dialogue_act(stack, sender, message):
    text = text_of(stack.say(sender, message))
    assert "goodbye" not in text.lower() and "you're welcome" not in text.lower()
    assert any(word in text.lower() for word in ("understand", "rephrase", "outside")), text


def test_a_guidance_request_that_names_a_situation_is_answered_first(stack, sender):
    replies = stack.say(sender, "which permit do I need to open a car wash in an existing garage?")
    text = text_of(replies)
    assert "Source: http" in text, text
    assert any(p.startswith("/request_guidance") for p in payloads(replies)), "the check is offered as a button"
    assert active_loop(stack, sender) is None, "no questionnaire instead of the answer"


def test_a_plain_guidance_request_starts_the_questions(stack, sender):
    stack.say(sender, "which subsidies fit my company?")
    assert active_loop(stack, sender) == "financing_form"


def test_asking_for_a_review_of_a_business_plan_is_not_treated_as_a_sensitive_situation(stack, sender):
    replies = stack.say(sender, "could you tell me who can check my business plan before I go to the bank?")
    assert "confidentially with an advisor" not in text_of(replies)  # utter_confidential_intro
    assert active_loop(stack, sender) != "handoff_form"


def test_a_sensitive_situation_still_reaches_the_advisor_offer(stack, sender):
    text = text_of(stack.say(sender, "we can't pay our suppliers anymore and a bailiff came by this morning"))
    assert "advisor" in text.lower()
    assert active_loop(stack, sender) == "handoff_form"


@pytest.mark.parametrize("message", ["you're a useless piece of software", "jij bent echt waardeloos"])
def test_rudeness_gets_a_calm_out_of_scope_reply_with_the_topics(stack, sender, message):
    replies = stack.say(sender, message)
    assert "bot" not in text_of(replies).lower()
    assert "/ask_startup" in payloads(replies)


@pytest.mark.parametrize(
    "message", ["how do I register a GmbH in Munich?", "wat heb ik nodig om een vennootschap op te richten in Spanje"]
)
def test_company_law_of_another_country_is_declined_with_what_the_agency_does(stack, sender, message):
    text = text_of(stack.say(sender, message))
    assert "Flanders Investment & Trade" in text, text
    assert "Source:" not in text and "Bron:" not in text
    # logged as what it is, for the staff's review and the out-of-scope figures
    assert stack.tracker(sender)["latest_message"]["intent"]["name"] == "out_of_scope_abroad"


def test_laughter_gets_the_out_of_scope_reply_not_a_goodbye(stack, sender):
    replies = stack.say(sender, "lol")
    assert "goodbye" not in text_of(replies).lower()
    assert "/ask_startup" in payloads(replies)


@pytest.mark.parametrize(
    "message, language, reply",
    [
        ("allez, tot de volgende keer hoor!", "nl", "Tot ziens en veel succes met je onderneming!"),
        ("toodles", "en", "Goodbye, and good luck with your business!"),
    ],
)
def test_an_everyday_goodbye_the_training_data_lacks_gets_the_goodbye(stack, sender, message, language, reply):
    """The dialogue-act list knows more ways of saying goodbye than the examples the classifiers learned."""
    # `language`: the website's language choice, so the reply's language does not depend on detection
    assert reply in text_of(stack.say(sender, message, metadata={"language": language}))
    assert stack.tracker(sender)["latest_message"]["intent"]["name"] == "goodbye"
