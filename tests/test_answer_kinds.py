"""A question that asks for an amount, a date or a duration prefers the entry whose answer states one."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.knowledge.answer_kinds import asked_kinds, load_answer_kinds
from actions.knowledge.base import KnowledgeBase
from actions.knowledge.entry import Entry
from actions.knowledge.loader import load_entries
from actions.knowledge.retrieval import Retriever
from actions.paths import KNOWLEDGE_DIR

KINDS = load_answer_kinds(KNOWLEDGE_DIR / "retrieval" / "answer_kinds.yml")


def entry(entry_id: str, answer: str) -> Entry:
    return Entry(
        id=entry_id,
        topic="startup",
        type="rule",
        title={"en": "Registering a bakery", "nl": "Een bakkerij inschrijven"},
        answer={"en": answer, "nl": answer},
        source_url="https://example.org",
        reviewed=dt.date(2026, 11, 29),
    )


@pytest.mark.parametrize(
    "question, kinds",
    [
        ("how much does it cost to register a bakery?", {"amount"}),
        ("wat kost een inschrijving?", {"amount"}),
        ("when was the cluster policy approved", {"date"}),
        ("sinds wanneer is dat afgeschaft?", {"date"}),
        ("how long does a permit take", {"duration"}),
        ("hoe lang duurt dat", {"duration"}),
        # "when do I apply?" asks at what stage, not for a date
        ("when do i apply for the permit for my bakery", set()),
        ("wanneer vraag ik de vergunning aan", set()),
    ],
)
def test_what_a_question_asks_for(question, kinds):
    assert asked_kinds(question, KINDS) == kinds


def test_the_entry_that_states_the_amount_wins_a_cost_question():
    plain = entry("plain", "You register a bakery at an enterprise counter of your choice.")
    priced = entry("priced", "You register a bakery at an enterprise counter for EUR 105.50 each.")
    retriever = Retriever([plain, priced], answer_kinds=KINDS)
    assert retriever.rank("how much does it cost to register a bakery")[0].entry.id == "priced"
    # without the cost question the shorter, closer entry still wins
    assert retriever.rank("register a bakery at an enterprise counter")[0].entry.id == "plain"


def test_a_topic_overview_answers_what_only_it_says():
    """The overview states the cluster policy's date and goal; it used to be reachable only as a fallback."""
    kb = KnowledgeBase(load_entries(KNOWLEDGE_DIR))
    hit = kb.find("when did the flemish government approve the cluster policy", "clusters", [])
    assert hit and hit.entry.id == "clusters_overview"
    # a question that an ordinary entry answers still gets that entry, not the overview
    hit = kb.find("how much does it cost to register at an enterprise counter", "startup", [])
    assert hit and hit.entry.id == "registration_cost"


def test_a_named_example_does_not_outweigh_what_is_asked():
    """Flux50 is an example in the cost question; its entry states no cost, the membership entry does."""
    kb = KnowledgeBase(load_entries(KNOWLEDGE_DIR))
    flux50 = [{"entity": "cluster", "value": "flux50"}]
    hit = kb.find("what does membership of a cluster such as Flux50 cost?", "clusters", flux50)
    assert hit and hit.entry.id == "cluster_membership"
    hit = kb.find("what is flux50", "clusters", flux50)
    assert hit and hit.entry.id == "flux50" and hit.confident
