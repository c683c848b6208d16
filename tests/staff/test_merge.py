"""The staff merge: reviewed messages become training examples or knowledge questions, safely.

Runs on a temporary copy of data/, knowledge/ and domain.yml; the files are read back with Rasa's own loader
and the real knowledge retriever.
"""

from __future__ import annotations

import difflib
import shutil

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from actions.knowledge.base import KnowledgeBase
from actions.knowledge.loader import load_entries
from actions.paths import ROOT
from staff_review.evaluation_sets import evaluation_texts
from staff_review.merge import merge_decisions, nlu_blocks
from staff_review.review_file import Decision, read_decisions

COACH_QUESTION = "is there some money for hiring a coach to fix my marketing"


@pytest.fixture()
def project(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    # start from the repository's data, whatever staff merged into this checkout before
    for merged in [*tmp_path.glob("data/nlu/*/reviewed.yml"), tmp_path / "knowledge/retrieval/reviewed_questions.yml"]:
        merged.unlink(missing_ok=True)
    return tmp_path


def merge(project, *decisions):
    return merge_decisions(list(decisions), project / "data")


def reviewed(project, lang):
    return nlu_blocks(project / "data" / "nlu" / lang / "reviewed.yml")


def an_existing_example(project, intent, lang="en"):
    for path in sorted((project / "data" / "nlu" / lang).glob("*.yml")):
        examples = nlu_blocks(path).get(intent)
        if examples:
            return examples[0]
    raise AssertionError(f"no {intent} example")


def test_an_example_goes_to_its_language_and_intent_and_rasa_reads_it(project):
    result = merge(
        project,
        Decision("where do I get the paper for my food truck", "en", "ask_permits", None, "out_of_scope"),
        Decision("waar haal ik het papier voor mijn foodtruck", "nl", "ask_permits", None, "out_of_scope"),
    )
    assert result.changed and len(result.added) == 2
    assert reviewed(project, "en") == {"ask_permits": ["where do I get the paper for my food truck"]}
    assert reviewed(project, "nl") == {"ask_permits": ["waar haal ik het papier voor mijn foodtruck"]}
    data = load_data(str(project / "data" / "nlu" / "en" / "reviewed.yml"))
    assert [(m.get("text"), m.get("intent")) for m in data.intent_examples] == [
        ("where do I get the paper for my food truck", "ask_permits")
    ]


def test_a_language_left_empty_is_detected(project):
    result = merge(project, Decision("welke vergunning heeft mijn bakkerij nodig", "", "ask_permits"))
    assert [i.language for i in result.added] == ["nl"]


def test_an_example_already_there_is_skipped_whatever_its_case_spacing_or_punctuation(project):
    existing = an_existing_example(project, "greet")
    result = merge(project, Decision(f"  {existing.upper()}  !!", "en", "greet"))
    assert not result.changed and len(result.skipped_duplicates) == 1
    assert not (project / "data" / "nlu" / "en" / "reviewed.yml").exists()


def test_an_example_under_another_intent_is_a_listed_conflict_and_not_merged(project):
    existing = an_existing_example(project, "goodbye")
    result = merge(project, Decision(existing, "en", "greet"))
    assert not result.changed and len(result.conflicts) == 1
    assert "CONFLICT" in result.summary() and "goodbye" in result.summary()
    assert reviewed(project, "en") == {}


def test_the_same_text_twice_in_one_review_with_two_intents_is_a_conflict(project):
    result = merge(
        project,
        Decision("can my foodtruck stand on the market square", "en", "ask_permits"),
        Decision("can my foodtruck stand on the market square?", "en", "ask_location"),
    )
    assert len(result.added) == 1 and len(result.conflicts) == 1


def test_ignore_unknown_intents_and_empty_texts_are_not_merged(project):
    result = merge(
        project,
        Decision("asdf qwerty", "en", "ignore"),
        Decision("please book me a table", "en", "book_restaurant"),
        Decision("", "en", "ask_startup"),
    )
    assert result.ignored == 1 and len(result.refused) == 2 and not result.changed
    assert "unknown intent" in result.summary()


def test_text_of_an_evaluation_set_is_refused(project):
    protected = sorted(evaluation_texts(ROOT))  # folded texts; never printed
    assert protected, "the hold-out files are part of the repository"
    result = merge(project, Decision(protected[0], "en", "ask_startup"), Decision(protected[-1], "nl", "ask_startup"))
    assert not result.changed and len(result.refused) == 2
    assert all("evaluation set" in item.detail for item in result.refused)


def test_entity_syntax_in_a_message_stays_plain_text(project):
    merge(project, Decision("mail [the office](today) about my vat number please", "en", "ask_startup"))
    data = load_data(str(project / "data" / "nlu" / "en" / "reviewed.yml"))
    assert [m.get("entities") or [] for m in data.intent_examples] == [[]]
    assert "[the office]" in data.intent_examples[0].get("text")


def test_a_second_merge_only_appends_lines_and_the_same_review_twice_changes_nothing(project):
    first = Decision("which paper do I need for a food truck", "en", "ask_permits")
    merge(project, first)
    path = project / "data" / "nlu" / "en" / "reviewed.yml"
    before = path.read_text().splitlines()
    merge(project, Decision("where to find a cheap workshop near Gent", "en", "ask_location"))
    merge(project, Decision("and a permit for selling fries from my food truck", "en", "ask_permits"))
    after = path.read_text().splitlines()
    changes = [line for line in difflib.ndiff(before, after) if line[:1] in "+-"]
    assert all(line.startswith("+ ") for line in changes) and len(changes) == 4  # new block + 1 line
    again = merge(project, first)
    assert not again.changed and path.read_text().splitlines() == after
    assert yaml.safe_load(path.read_text())["version"] == "3.1"


def test_a_reviewed_knowledge_question_now_finds_its_entry(project):
    knowledge = project / "knowledge"
    before = KnowledgeBase(load_entries(knowledge), knowledge).find(COACH_QUESTION, None, [])
    assert before is None or not before.confident  # at most "the closest information" before
    result = merge(project, Decision(COACH_QUESTION, "en", "knowledge", "kmo_portefeuille"))
    assert [i.target for i in result.added] == ["knowledge:kmo_portefeuille"]
    stored = yaml.safe_load((knowledge / "retrieval" / "reviewed_questions.yml").read_text())
    assert stored == {"kmo_portefeuille": {"en": [COACH_QUESTION]}}
    kb = KnowledgeBase(load_entries(knowledge), knowledge)
    hit = kb.find(COACH_QUESTION.capitalize() + "?", None, [])
    assert hit and hit.entry.id == "kmo_portefeuille" and hit.confident
    assert kb.find("how do I fix my leaking roof", None, []) is None  # its words do not pull unrelated questions


def test_a_knowledge_question_for_an_unknown_entry_or_given_to_another_entry(project):
    merge(project, Decision(COACH_QUESTION, "en", "knowledge", "kmo_portefeuille"))
    result = merge(
        project,
        Decision(COACH_QUESTION, "en", "knowledge", "winwinlening"),
        Decision("what about the flux capacitor grant", "en", "knowledge", "flux_capacitor"),
    )
    assert len(result.conflicts) == 1 and len(result.refused) == 1 and not result.changed


def test_decisions_are_read_from_a_csv_review_file(project, tmp_path):
    review = tmp_path / "review.csv"
    review.write_text(
        "key,text,language,predicted_intent,confidence,count,outcomes,correct_intent,knowledge_entry,note\n"
        "a,where do I get the paper for my food truck,en,out_of_scope,0.3,2,fallback,ask_permits,,\n"
        "b,not reviewed yet,en,greet,0.5,1,,,,\n"
    )
    decisions = read_decisions(review)
    assert [(d.text, d.correct_intent) for d in decisions] == [
        ("where do I get the paper for my food truck", "ask_permits")
    ]
    assert merge_decisions(decisions, project / "data").changed


def test_redaction_placeholders_are_left_out_of_the_example(project):
    result = merge(project, Decision("is there money for a bakery oven? [EMAIL] or [PHONE]", "en", "ask_financing"))
    assert [i.text for i in result.added] == ["is there money for a bakery oven? or"]
    assert reviewed(project, "en") == {"ask_financing": ["is there money for a bakery oven? or"]}
