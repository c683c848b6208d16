"""Specific questions find the specific entry; vague or unknown ones find nothing specific."""

from __future__ import annotations

import pytest

from actions.knowledge.base import KnowledgeBase
from actions.knowledge.loader import load_entries
from actions.paths import KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase(load_entries(KNOWLEDGE_DIR))


def ruler_entity(kb, text):
    """What SpacyEntityExtractor returns for a recognised name: the matched text."""
    return {"entity": "measure", "value": text}


@pytest.mark.parametrize("name", ["kmo portefeuille", "KMO-portefeuille", "sme wallet", "SME-wallet"])
def test_all_names_of_a_measure_resolve_to_one_entry(kb, name):
    assert kb.resolver.resolve(name) == "kmo_portefeuille"


def test_a_named_measure_beats_text_similarity(kb):
    hit = kb.find("what about the sme wallet", "financing", [ruler_entity(kb, "sme wallet")])
    assert hit and hit.entry.id == "kmo_portefeuille"


def test_button_with_entry_id_opens_that_entry(kb):
    hit = kb.find("", "financing", [{"entity": "entry_id", "value": "winwinlening"}])
    assert hit and hit.entry.id == "winwinlening"


def test_vague_question_finds_nothing_specific(kb):
    assert kb.find("tell me something", "financing", []) is None


def test_unknown_question_is_at_most_offered_as_closest_information(kb):
    hit = kb.find("can I deduct my dog food from taxes", "financing", [])
    assert hit is None or not hit.confident


@pytest.mark.parametrize(
    "question, topic, overview",
    [
        ("what is vlaio?", "agency", "agency_overview"),
        ("wat doet vlaio eigenlijk", "agency", "agency_overview"),
        ("what is a cluster?", "clusters", "clusters_overview"),
        ("vergunning nodig?", "permits", "permits_overview"),
    ],
)
def test_a_question_about_the_subject_as_a_whole_gets_its_overview_surely(kb, question, topic, overview):
    """"What is VLAIO?" was answered with the closest entry that mentions the agency, its partner network."""
    hit = kb.find(question, topic, [])
    assert hit and hit.entry.id == overview and hit.confident


def test_a_specific_question_in_an_overviews_words_is_not_the_overview(kb):
    """Every word is among the permits overview's keywords, but a sign on a shop is a specific question."""
    hit = kb.find("heb ik een vergunning nodig voor een lichtreclame aan mijn winkel", "permits", [])
    assert hit and hit.entry.id != "permits_overview"


def test_general_term_does_not_outweigh_the_question(kb):
    """'eenmanszaak' names a legal form, not an answer: a cost question is not answered with liability."""
    entities = [{"entity": "legal_form", "value": "eenmanszaak"}]
    question = "how much does it cost to register my eenmanszaak"
    ranked = [h.entry.id for h in kb.retriever.rank(question, "startup", kb.entity_ids(entities))]
    assert "registration_cost" in ranked[:4]


@pytest.mark.parametrize("word, same", [("changing", "change"), ("changes", "change"), ("vergunningen", "vergunning")])
def test_stemming_is_consistent(word, same):
    from actions.knowledge.retrieval import stem

    assert stem(word) == stem(same)


def _entry(entry_id, keywords):
    from actions.knowledge.entry import Entry

    return Entry.from_dict(
        {
            "id": entry_id,
            "topic": "financing",
            "type": "measure",
            "title": {"en": entry_id, "nl": entry_id},
            "answer": {"en": "text", "nl": "tekst"},
            "source_url": f"https://example.org/{entry_id}",
            "reviewed": "2026-11-01",
            "keywords": {"en": keywords, "nl": keywords},
        }
    )


def test_two_entries_that_fit_alike_are_both_offered_and_neither_is_sure():
    from actions.knowledge.retrieval import Retriever

    retriever = Retriever(
        [
            _entry("loan_a", ["loan", "bakery", "oven", "machine", "invest"]),
            _entry("loan_b", ["loan", "bakery", "van", "transport", "vehicle"]),
            _entry("x", ["y"]),
        ]
    )
    hit = retriever.best("is there anything like a loan for a small bakery in the centre of town")
    assert hit is not None and not hit.confident
    assert {hit.entry.id, hit.alternative.id} == {"loan_a", "loan_b"}


def test_a_clear_match_is_sure_and_comes_alone():
    from actions.knowledge.retrieval import Retriever

    retriever = Retriever([_entry("loan_a", ["loan", "bakery", "oven"]), _entry("fair", ["trade", "fair", "abroad"])])
    hit = retriever.best("a loan for the oven of my bakery")
    assert hit is not None and hit.entry.id == "loan_a" and hit.confident and hit.alternative is None
    assert hit.candidates == ()


def test_when_unsure_the_next_entries_are_offered_and_unrelated_ones_are_not():
    from actions.knowledge.retrieval import Retriever

    retriever = Retriever(
        [
            _entry("loan_a", ["loan", "bakery", "oven", "machine", "invest"]),
            _entry("loan_b", ["loan", "bakery", "van", "transport", "vehicle"]),
            _entry("loan_c", ["loan", "bakery", "shop", "renovation"]),
            _entry("fair", ["trade", "fair", "abroad"]),
        ]
    )
    hit = retriever.best("is there anything like a loan for a small bakery in the centre of town")
    assert hit is not None and not hit.confident
    shown = {hit.entry.id, *(e.id for e in (hit.alternative, *hit.candidates) if e)}
    assert shown == {"loan_a", "loan_b", "loan_c"}


def test_a_cluster_question_naming_a_field_prefers_that_fields_cluster(kb):
    question = "we bottle beverages, which innovation cluster fits us"
    ranked = [h.entry.id for h in kb.retriever.rank(question, "clusters")]
    assert ranked[0] == "flanders_food"
    unnamed = kb.retriever.rank("which cluster organisation for my company", "clusters")
    assert unnamed[0].entry.id != "flanders_food"


def test_a_sure_answer_with_an_equally_close_aspect_of_the_same_measure_shows_both(kb):
    """The measure's entry says when one may apply again (after 36 months); its application entry ties."""
    question = "kmo-groeisubsidie: when may we apply again after a first one?"
    hit = kb.find(question, "financing", [ruler_entity(kb, "kmo-groeisubsidie")])
    assert hit is not None and hit.confident
    assert hit.alternative is not None
    assert {hit.entry.id, hit.alternative.id} == {"kmo_groeisubsidie", "kmo_groeisubsidie_application"}


def test_a_sure_answer_well_ahead_of_its_aspects_comes_alone(kb):
    hit = kb.find("what is the sme wallet", "financing", [ruler_entity(kb, "sme wallet")])
    assert hit is not None and hit.confident and hit.entry.id == "kmo_portefeuille"
    assert hit.alternative is None
