"""Full conversations in Dutch, and switching languages."""

from __future__ import annotations

import pytest

from tests.servers import ALWAYS_OPEN, text_of

pytestmark = pytest.mark.servers
ENGLISH_MARKERS = ("Source:", "Talk to an advisor", "Would you like", "What else can I help")


def assert_dutch(text: str) -> None:
    assert not any(marker in text for marker in ENGLISH_MARKERS), text


def test_dutch_topic_answer(stack, sender):
    text = text_of(stack.say(sender, "hoeveel kost de inschrijving bij een ondernemingsloket?"))
    assert "105,50" in text or "105.50" in text
    assert "Bron: http" in text
    assert_dutch(text)


def test_dutch_out_of_scope(stack, sender):
    text = text_of(stack.say(sender, "wat voor weer wordt het morgen in antwerpen?"))
    assert "buiten" in text or "anders formuleren" in text
    assert_dutch(text)


def test_dutch_financing_finder(stack, sender):
    first = text_of(stack.say(sender, "welke subsidies passen bij mijn bedrijf?"))
    assert "starten" in first or "bestaat" in first
    stack.say(sender, "we bestaan al 10 jaar")
    stack.say(sender, "we zijn met 12 mensen")
    result = text_of(stack.say(sender, "opleiding voor ons personeel"))
    assert "KMO-portefeuille" in result or "kmo-portefeuille" in result.lower()
    assert "Waarom dit past" in result and "Bron: http" in result
    assert_dutch(result)


def test_dutch_handoff(stack, sender):
    stack.office_hours.write_text(ALWAYS_OPEN)
    first = text_of(stack.say(sender, "ik wil graag met een adviseur spreken"))
    assert "toestemming" in first
    for answer in ("/affirm", "Els", "els@voorbeeld.be", "Nederlands", "vraag over een overname"):
        last = text_of(stack.say(sender, answer))
    assert "dossier" in last
    assert_dutch(last)
    tracker = stack.tracker(sender)
    assert tracker["slots"]["case_id"] and tracker["slots"]["language"] == "nl"


def test_switching_language_explicitly_and_from_the_website(stack, sender):
    stack.say(sender, "hallo, ik heb een vraag over mijn zaak")
    text = text_of(stack.say(sender, "can you answer in English please"))
    assert "continue in English" in text
    answer = text_of(stack.say(sender, "hoeveel kost de inschrijving bij een ondernemingsloket?"))
    assert "Source: http" in answer, "an explicit choice is not undone by detection"
    website = text_of(stack.say(sender + "-web", "hello", metadata={"language": "nl"}))
    assert "Hallo" in website


def test_short_messages_do_not_flip_the_language(stack, sender):
    stack.say(sender, "hoe schrijf ik me in als zelfstandige in bijberoep?")
    text = text_of(stack.say(sender, "ok"))
    assert_dutch(text)
