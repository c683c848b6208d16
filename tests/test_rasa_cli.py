"""The standard Rasa commands on this project: data validation, conversation tests, NLU on held-out text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from actions.paths import ROOT
from staff_review.evaluation_sets import (
    case_files,
    case_texts,
    evaluation_texts,
    holdout_files,
    nlu_examples,
    overlap,
    training_examples,
)
from staff_review.merge import REVIEWED_QUESTIONS, read_questions
from staff_review.nlu_eval import evaluate_models

pytestmark = pytest.mark.rasa_cli
RASA = str(Path(sys.executable).parent / "rasa")
# The held-out floor is the understanding issue's target (0.95 in each language). Training is reproducible
# (Makefile: deterministic ops, oneDNN capped at AVX2): three machines trained byte-identical DIET weights
# (2026-11-30), so a fresh clone scores what the README says (0.954 / 0.950 with the ninth session's data). The
# figures move by up to about 0.01 when the training data change (a new draw of DIET: six draws of one commit gave
# 0.947-0.956 / 0.947-0.962): a change to the training data has to keep the target, not only the draw before it.
# The blind NLU files are a regression floor (0.829 / 0.809 now); the issue sets no target for them.
MIN_MACRO_F1 = 0.95
MIN_BLIND_MACRO_F1 = 0.78
# the handoff targets, here on the held-out lines (tests/integration/test_blind_set.py: on the blind set)
HANDOFF_INTENTS = ("confidential", "ask_human")
MIN_HANDOFF_REACHED, MAX_OTHERS_CONFIDENTIAL = 0.95, 0.03
AGGREGATES = ("macro avg", "weighted avg", "micro avg")
BLIND_NLU = {"en": "tests/blind/nlu_blind_en.yml", "nl": "tests/blind/nlu_blind_nl.yml"}


def rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], check=False, cwd=ROOT, capture_output=True, text=True, timeout=900)


# evaluation questions that must never become training data: the blind set and the shared development set.
# The folded comparison lives in staff_review/evaluation_sets.py, so the staff merge refuses the same texts.
EVALUATION_FILES = case_files(ROOT)


def test_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_conversation_stories_pass(tmp_path):
    result = rasa(
        "test", "core", "--stories", "tests/test_stories.yml", "--fail-on-prediction-errors", "--out", str(tmp_path)
    )
    assert result.returncode == 0, (
        (tmp_path / "failed_test_stories.yml").read_text()
        if (tmp_path / "failed_test_stories.yml").exists()
        else result.stdout[-3000:]
    )


@pytest.mark.parametrize("holdout", ["tests/nlu_holdout.yml", "tests/nlu_holdout_nl.yml"])
def test_held_out_nlu_macro_f1(holdout, tmp_path):
    result = rasa("test", "nlu", "--nlu", holdout, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    f1 = report["macro avg"]["f1-score"]
    per_intent = {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v and k not in AGGREGATES}
    worst = sorted((v["f1-score"], k) for k, v in per_intent.items())[:4]
    print(f"{holdout}: macro F1 {f1:.3f}; weakest intents {worst}")
    results_dir = ROOT / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"{Path(holdout).stem}_report.json").write_text(json.dumps(report, indent=1))
    assert f1 >= MIN_MACRO_F1, f"macro F1 {f1:.3f} < {MIN_MACRO_F1}; weakest {worst}"
    # the understanding issue's handoff figures on the held-out lines: confidential and ask-for-a-person lines
    # classed as one of the two (either leads to the advisor), other lines classed confidential
    errors = json.loads((tmp_path / "intent_errors.json").read_text())
    handoff = sum(per_intent[i]["support"] for i in HANDOFF_INTENTS)
    others = sum(v["support"] for v in per_intent.values()) - handoff
    predicted = [(e["text"], e["intent"], e["intent_prediction"]["name"]) for e in errors]
    lost = [t for t, gold, got in predicted if gold in HANDOFF_INTENTS and got not in HANDOFF_INTENTS]
    classed = [t for t, gold, got in predicted if gold not in HANDOFF_INTENTS and got == "confidential"]
    reached, confidential = 1 - len(lost) / handoff, len(classed) / others
    print(f"handoff lines reached {reached:.3f}; others classed confidential {confidential:.3f}")
    assert reached >= MIN_HANDOFF_REACHED, lost
    assert confidential <= MAX_OTHERS_CONFIDENTIAL, classed


@pytest.fixture(scope="module")
def blind_nlu_reports(tmp_path_factory) -> Dict[str, dict]:
    """Both blind NLU files scored with the trained model, loaded once (Rasa's run_evaluation, as `rasa test nlu`)."""
    out = tmp_path_factory.mktemp("blind_nlu")
    files = {lang: Path(path) for lang, path in BLIND_NLU.items()}
    evaluate_models({"active": ROOT / "models" / "assistant.tar.gz"}, out, files)
    return {lang: json.loads((out / "active" / lang / "intent_report.json").read_text()) for lang in BLIND_NLU}


@pytest.mark.parametrize("lang", sorted(BLIND_NLU))
def test_blind_nlu_macro_f1(lang, blind_nlu_reports):
    f1 = blind_nlu_reports[lang]["macro avg"]["f1-score"]
    print(f"{BLIND_NLU[lang]}: macro F1 {f1:.3f}")
    assert f1 >= MIN_BLIND_MACRO_F1, f"blind NLU macro F1 {f1:.3f} < {MIN_BLIND_MACRO_F1}"


@pytest.mark.parametrize("holdout", holdout_files(ROOT), ids=lambda p: p.name)
def test_held_out_text_is_not_in_training_data(holdout):
    assert not (nlu_examples(holdout) & training_examples())


@pytest.mark.parametrize("cases_file", EVALUATION_FILES, ids=lambda p: p.name)
def test_evaluation_questions_are_not_in_training_data(cases_file):
    if not cases_file.exists():
        pytest.skip(f"{cases_file} is not on this machine")  # the shared set lives beside the repository
    assert not (case_texts(cases_file) & training_examples())


def test_reviewed_knowledge_questions_are_not_evaluation_questions():
    """Staff-reviewed questions help retrieval find an entry; an evaluation question among them would flatter it."""
    questions = read_questions(ROOT / "knowledge" / REVIEWED_QUESTIONS)
    texts = [q for by_lang in questions.values() for qs in by_lang.values() for q in qs]
    assert not overlap(texts, evaluation_texts(ROOT))
