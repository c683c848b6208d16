"""The parts of the retrain loop that need no training: the rule, the report, stopping early, activation.

The full loop (training, evaluation, PUT /model on a running server) is tests/integration/test_retrain.py.
"""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from actions.paths import ROOT
from staff_review.activate import ACTIVE_NAME, activate, log_activation
from staff_review.compare import Scores, compare
from staff_review.report import ReportInput, write_report
from staff_review.retrain import run_pipeline
from tests.servers import free_port


def report(macro, intents):
    """An intent_report.json as Rasa writes it."""
    data = {
        name: {"precision": f1, "recall": f1, "f1-score": f1, "support": 20, "confused_with": confused}
        for name, (f1, confused) in intents.items()
    }
    data["macro avg"] = {"precision": macro, "recall": macro, "f1-score": macro, "support": 20 * len(intents)}
    data["accuracy"] = macro
    return data


OLD = report(0.90, {"greet": (0.95, {}), "ask_permits": (0.85, {"ask_startup": 2})})


@pytest.mark.parametrize(
    "new, activates, why",
    [
        (report(0.92, {"greet": (0.93, {}), "ask_permits": (0.91, {"ask_startup": 1})}), True, "not lower"),
        (report(0.89, {"greet": (0.95, {}), "ask_permits": (0.83, {"ask_startup": 2})}), False, "macro-F1 drops"),
        (report(0.93, {"greet": (0.89, {}), "ask_permits": (0.97, {})}), False, "greet F1 drops by 0.060"),
    ],
)
def test_the_rule_activates_only_a_candidate_that_is_not_worse(new, activates, why):
    comparison = compare({"en": Scores.from_report(OLD)}, {"en": Scores.from_report(new)}, margin=0.05)
    assert comparison.verdict.better_or_equal is activates
    assert any(why in reason for reason in comparison.verdict.reasons)


def test_the_margin_is_configurable():
    new = report(0.93, {"greet": (0.89, {}), "ask_permits": (0.97, {})})
    assert compare({"en": Scores.from_report(OLD)}, {"en": Scores.from_report(new)}, margin=0.1).verdict.better_or_equal


def test_the_report_shows_figures_rule_changed_confusions_and_a_chart(tmp_path):
    new = report(0.92, {"greet": (0.93, {}), "ask_permits": (0.91, {"ask_startup": 1})})
    comparison = compare({"en": Scores.from_report(OLD)}, {"en": Scores.from_report(new)})
    path = write_report(ReportInput("20260101-000000", "review.csv", "added 1", comparison=comparison), tmp_path)
    text = path.read_text()
    assert "| en | 0.900 | 0.920 | +0.020 |" in text
    assert "| en | ask_permits | ask_startup | 2 | 1 |" in text
    assert "no intent's F1 drops by more than 0.100" in text
    with Image.open(tmp_path / "f1.png") as image:
        assert image.size[0] > 500 and image.size[1] > 300


@pytest.fixture()
def project(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    # start from the repository's data, whatever staff merged into this checkout before
    for merged in [*tmp_path.glob("data/nlu/*/reviewed.yml"), tmp_path / "knowledge/retrieval/reviewed_questions.yml"]:
        merged.unlink(missing_ok=True)
    return tmp_path


def review(path, rows):
    header = "key,text,language,predicted_intent,confidence,count,outcomes,correct_intent,knowledge_entry,note\n"
    path.write_text(
        header + "".join(f"k{i},{text},en,,,1,,{intent},{entry},\n" for i, (text, intent, entry) in enumerate(rows))
    )
    return path


def run(project, review_file):
    return run_pipeline(
        review_file,
        models_dir=project / "models",
        data_dir=project / "data",
        reports_dir=project / "reports",
        rasa_url=f"http://127.0.0.1:{free_port()}",
    )


def test_a_review_that_changes_nothing_stops_before_training(project):
    result = run(project, review(project / "r.csv", [("asdf", "ignore", "")]))
    assert "changed nothing" in result.message and result.candidate is None
    assert "changed nothing" in result.report_file.read_text()
    assert not (project / "models" / "candidates").exists()


def test_knowledge_questions_alone_need_no_training(project):
    result = run(
        project, review(project / "r.csv", [("any money for a marketing coach", "knowledge", "kmo_portefeuille")])
    )
    assert "no model to train" in result.message and result.candidate is None
    assert (project / "knowledge" / "retrieval" / "reviewed_questions.yml").exists()


def test_activation_without_a_running_server_installs_the_model_and_keeps_the_previous(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / ACTIVE_NAME).write_bytes(b"old model")
    candidate = tmp_path / "candidate.tar.gz"
    candidate.write_bytes(b"new model")
    done = activate(candidate, models, "20260101-000000", f"http://127.0.0.1:{free_port()}", "token")
    assert (models / ACTIVE_NAME).read_bytes() == b"new model"
    assert done.archived and done.archived.read_bytes() == b"old model"
    assert not done.server_loaded and "no Rasa server" in done.server_message
    assert (models / ".trained").exists()


def test_every_activation_is_one_line_in_the_log(tmp_path, monkeypatch):
    monkeypatch.setenv("STAFF_USER", "ann")
    log = tmp_path / "activations.log"
    for forced in (False, True):
        log_activation(log, forced=forced, reason="why", figures={"en": 0.9}, model=tmp_path / "m", server="ok")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(x["user"], x["forced"], x["reason"]) for x in lines] == [("ann", False, "why"), ("ann", True, "why")]
    assert all(x["time"] for x in lines)

