"""Guided advice: answers are understood, and recommendations never contradict stated conditions."""

from __future__ import annotations

import itertools

import pytest

from actions.guidance.matching import excluded_by, recommend
from actions.guidance.options import option_parser
from actions.knowledge.loader import load_entries
from actions.knowledge.schema import VOCABULARIES
from actions.paths import KNOWLEDGE_DIR

ENTRIES = load_entries(KNOWLEDGE_DIR)


@pytest.mark.parametrize(
    "slot, text, option",
    [
        ("organisation_type", "we are 12 people", "small"),
        ("organisation_type", "about 120 employees", "medium"),
        ("organisation_type", "1500 staff worldwide", "large"),
        ("organisation_type", "we're a vzw with 3 staff", "nonprofit"),
        ("organisation_type", "medium", "medium"),
        ("purpose", "I want to train my staff in cybersecurity", "advice_training"),
        ("purpose", "we need a loan, the bank wants guarantees", "loan_guarantee"),
        ("purpose", "nieuwe machines kopen", "investment"),
        ("purpose", "advice_training", "advice_training"),
        ("stage", "we just started last month", "starter"),
        ("stage", "we bestaan al 20 jaar", "established"),
        ("cluster_domain", "we make plastic packaging", "chemistry_plastics"),
        ("cluster_domain", "offshore wind maintenance at the coast", "blue_economy"),
        # a field named inside a compound
        ("cluster_domain", "we make bioplastics", "chemistry_plastics"),
        ("cluster_domain", "wij zijn een voedingsbedrijf", "food"),
        ("permit_activity", "ik open een frituur", "horeca"),
        ("permit_location", "in a unit on an industrial estate", "business_park"),
        ("occupation", "naast mijn job als bediende", "secondary"),
        ("legal_form", "ik richt een BV op", "company"),
        ("startup_sector", "I'm an architect", "regulated_profession"),
        ("contact_language", "Nederlands graag", "nl"),
    ],
)
def test_answers_are_understood(slot, text, option):
    assert option_parser().parse(slot, text) == option


@pytest.mark.parametrize(
    "slot, text",
    [
        ("purpose", "banana"),
        ("organisation_type", ""),
        ("legal_form", "hmm"),
        # compounds count only for fields and activities: running an "adviesbureau" does not ask for advice
        ("purpose", "ik heb een adviesbureau"),
        # a short field word does not count inside another word
        ("cluster_domain", "we sell windows"),
    ],
)
def test_unclear_answers_are_not_guessed(slot, text):
    assert option_parser().parse(slot, text) is None


def test_option_vocabularies_match_the_knowledge_eligibility_values():
    parser = option_parser()
    pairs = {
        "organisation_types": "organisation_type",
        "stages": "stage",
        "purposes": "purpose",
        "domains": "cluster_domain",
        "goals": "cluster_goal",
        "activities": "permit_activity",
        "locations": "permit_location",
        "occupations": "occupation",
        "legal_forms": "legal_form",
        "sectors": "startup_sector",
    }
    for key, slot in pairs.items():
        assert set(parser.options(slot)) == VOCABULARIES[key], slot


def test_no_recommendation_is_excluded_by_its_conditions():
    """Every combination of answers: nothing recommended whose eligibility excludes one of them."""
    parser = option_parser()
    for stage, size, purpose in itertools.product(
        *(parser.options(s) for s in ("stage", "organisation_type", "purpose"))
    ):
        profile = {"stage": stage, "organisation_type": size, "purpose": purpose}
        for match in recommend(ENTRIES, profile, ["measure"], must_fit=["purpose"]):
            assert excluded_by(match.entry, profile) is None
            assert purpose in match.entry.eligibility["purposes"]


def test_sme_wallet_is_not_offered_to_a_nonprofit_or_a_large_company():
    for size in ("nonprofit", "large"):
        profile = {"stage": "established", "organisation_type": size, "purpose": "advice_training"}
        assert "kmo_portefeuille" not in [m.entry.id for m in recommend(ENTRIES, profile, ["measure"], ["purpose"])]
    small = {"stage": "established", "organisation_type": "small", "purpose": "advice_training"}
    assert "kmo_portefeuille" in [m.entry.id for m in recommend(ENTRIES, small, ["measure"], ["purpose"])]


def test_every_guide_has_something_to_recommend():
    assert recommend(ENTRIES, {"cluster_domain": "food"}, ["cluster"], ["cluster_domain"])
    assert [m for m in recommend(ENTRIES, {"permit_activity": "horeca"}, ["permit"]) if m.fits]
    steps = recommend(ENTRIES, {"occupation": "main", "legal_form": "sole_trader", "startup_sector": "other"}, ["step"])
    assert len(steps) >= 4
