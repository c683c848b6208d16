"""The word lists in knowledge/understanding/ classify messages as the conversation needs."""

from __future__ import annotations

import pytest

from actions.cues import CueList, Cues
from actions.knowledge.retrieval import load_stopwords
from actions.paths import KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def cues():
    return Cues.load(KNOWLEDGE_DIR / "understanding")


@pytest.fixture(scope="module")
def stopwords():
    return load_stopwords(KNOWLEDGE_DIR / "retrieval" / "stopwords.yml")


def test_prefixes_words_and_phrases_match_whole_words():
    cues = CueList.of(["bankrupt*", "owe", "off the record", "secret"])
    assert cues.found_in("we might go Bankrupt-ish soon") and cues.found_in("facing bankruptcy")
    assert cues.found_in("I owe the bank money") and not cues.found_in("I'm the owner of a bakery")
    assert cues.found_in("strictly off the record") and not cues.found_in("the record shop")
    assert not cues.found_in("my social secretariat asked for it")


def test_opens_looks_only_at_the_start_and_at_whole_words():
    cues = CueList.of(["is this", "am i", "ben*"])
    assert cues.opens("Is this a real person?") and cues.opens("am I talking to a bot") and cues.opens("is this")
    assert cues.opens("Ben jij een mens?") and cues.opens("bent u een robot")
    assert not cues.opens("is thistle a plant") and not cues.opens("tell me, is this a bot?") and not cues.opens("")


@pytest.mark.parametrize(
    "text",
    [
        "we can't pay our suppliers anymore",
        "my partner and I are in a dispute about the shares",
        "I want to sell my company but nobody can know yet",
        "we zijn bijna failliet",
        "de deurwaarder stond vanmorgen aan de deur",
        "kan dit vertrouwelijk blijven?",
        "I'm completely burnt out and the shop depends on me",
        # customers who do not pay, clawbacks, threats (the lexicon added in the ninth session)
        "our biggest client owes us three months of invoices",
        "the distributor refuses to pay for the last delivery",
        "een klant weigert te betalen en we zitten krap bij kas",
        "de subsidie wordt teruggevorderd en dat klopt niet",
        "the landlord threatens legal action over the rent",
        "mijn compagnon doet dingen achter mijn rug",
    ],
)
def test_sensitive_situations(cues, text):
    assert cues.is_sensitive(text)


@pytest.mark.parametrize(
    "text",
    [
        "can someone look at my business plan",
        "is there a subsidy for training my staff in the garden centre",
        "the roadworks in front of my shop started last week, is there a premium",
        "my grandmother always dreamt of opening a tea room, what permits do we need",
        "wie kan mijn financieel plan nakijken?",
        "how do I pay my social contributions as a starter",
        "how much VAT do I have to pay on my invoices",
        "hoe betaal ik mijn sociale bijdragen als starter?",
    ],
)
def test_questions_that_only_sound_personal_are_not_sensitive(cues, text):
    assert not cues.is_sensitive(text)


@pytest.mark.parametrize(
    "text", ["how long does that take?", "and in Gent?", "hoeveel kost dat?", "en voor een bv?", "what about Limburg"]
)
def test_followups(cues, text):
    assert cues.looks_like_followup(text)


@pytest.mark.parametrize(
    "text",
    [
        "what does the sme wallet cover",
        "hoe start ik een eenmanszaak",
        "/ask_financing",
        "I run a bakery in Gent with four people and want to invest in a new oven, which support is there for that",
    ],
)
def test_not_followups(cues, text):
    assert not cues.looks_like_followup(text)


def test_content_words_leave_out_generic_guidance_words(cues, stopwords):
    assert cues.content_words("which subsidies fit my company?", stopwords) == []
    assert cues.content_words("help me find the right cluster", stopwords) == []
    assert cues.content_words("which permit do I need for a car wash", stopwords) == ["car", "wash"]
    assert len(cues.content_words("bij welke cluster hoort een bedrijf in medische hulpmiddelen?", stopwords)) >= 2


def test_a_link_has_no_content_words(cues, stopwords):
    assert cues.content_words("https://www.example.com/some/page", stopwords) == []
    assert cues.content_words("is www.vlaio.be/kmo still valid for a bakery", stopwords) == ["valid", "bakery"]


@pytest.mark.parametrize("text", [
        "how do I set up a GmbH in Germany",
        "een ltd oprichten in engeland",
        "LLC in Delaware",
    ])
def test_other_countries(cues, text):
    assert cues.names_abroad(text)


def test_flanders_is_not_abroad(cues):
    assert not cues.names_abroad("I want to open a bakery in Leuven")
