"""The retrain loop end to end: a reviewed message is understood by the running server after retraining.

A misunderstood message is reviewed, merged, trained, compared and activated in a running Rasa server, which
then understands it, without a restart and without losing a conversation.

Slow (a finetuning and two evaluations: about 5 to 10 minutes on two cores). Runs on a copy of data/ and
knowledge/ and a copy of the trained model, with its own servers, so the project's files are not changed.
"""

from __future__ import annotations

import json
import shutil

import pytest
import requests

from actions.paths import ROOT
from staff_review.activate import ACTIVE_NAME, model_id
from staff_review.retrain import run_pipeline
from tests.servers import Stack, text_of

pytestmark = [pytest.mark.servers, pytest.mark.rasa_cli, pytest.mark.timeout(2400)]

# Messages the trained model gets wrong or is unsure about, with the intent a reviewer would give them.
CANDIDATES = [
    ("my food truck needs which papers before I can sell at the Gentse Feesten", "ask_permits"),
    ("where can a small brewery find an affordable hall near Mechelen", "ask_location"),
    ("which industry network fits a start-up that builds drones for farmers", "ask_clusters"),
    ("is there cash from flanders for hiring a coach for my webshop marketing", "ask_financing"),
    ("welke papieren heeft mijn foodtruck nodig voor de jaarmarkt in Lier", "ask_permits"),
    ("welk netwerk van bedrijven past bij mijn startup die drones voor boeren maakt", "ask_clusters"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "knowledge", root / "knowledge")
    shutil.copy(ROOT / "domain.yml", root / "domain.yml")
    (root / "models").mkdir()
    shutil.copy(ROOT / "models" / ACTIVE_NAME, root / "models" / ACTIVE_NAME)
    return root


@pytest.fixture(scope="module")
def server(project, tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("retrain-stack"), project / "models" / ACTIVE_NAME)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def parse(stack, text):
    response = requests.post(
        f"{stack.rasa_url}/model/parse", params={"token": stack.token}, json={"text": text}, timeout=60
    )
    response.raise_for_status()
    return response.json()["intent"]


def test_a_reviewed_message_is_understood_by_the_running_server_after_retraining(project, server, tmp_path):
    # a conversation is going on while staff retrain
    assert text_of(server.say("visitor-1", "hello"))
    wrong = [(text, intent) for text, intent in CANDIDATES if parse(server, text)["name"] != intent]
    assert wrong, "the trained model already understands every candidate message: pick harder ones"
    text, intent = wrong[0]

    review = tmp_path / "review.csv"
    review.write_text(
        "key,text,language,predicted_intent,confidence,count,outcomes,correct_intent,knowledge_entry,note\n"
        f"k1,{text},,{parse(server, text)['name']},0.3,2,fallback,{intent},,\n"
    )
    report = run_pipeline(
        review,
        force=True,  # the rule is tested in tests/staff; here the switch itself is under test
        reason="integration test",
        rasa_url=server.rasa_url,
        token=server.token,
        models_dir=project / "models",
        data_dir=project / "data",
        reports_dir=project / "reports",
    )

    assert [i.text for i in report.merge.added] == [text]
    language = report.merge.added[0].language
    assert intent in (project / "data" / "nlu" / language / "reviewed.yml").read_text()
    assert report.candidate and report.candidate.parent.parent == project / "models" / "candidates"
    assert report.activated and report.activation and report.activation.server_loaded, report.message
    # the running server now runs the candidate and understands the corrected message
    status = requests.get(f"{server.rasa_url}/status", params={"token": server.token}, timeout=30).json()
    assert status["model_id"] == model_id(report.candidate)
    assert parse(server, text)["name"] == intent
    # the conversation held before the switch goes on, with its history
    assert text_of(server.say("visitor-1", "thanks"))
    said = [e["text"] for e in server.tracker("visitor-1")["events"] if e.get("event") == "user"]
    assert said == ["hello", "thanks"]
    # what staff read: the report with both languages' figures and the chart, and the logged switch
    markdown = report.report_file.read_text()
    assert "| en |" in markdown and "| nl |" in markdown and "## Rule" in markdown
    assert (report.folder / "f1.png").stat().st_size > 10_000
    logged = [json.loads(line) for line in (project / "reports" / "activations.log").read_text().splitlines()]
    assert logged[-1]["reason"] == "integration test" and "macro_f1" in logged[-1]["figures"]
    print(report.message, report.training_mode, {k: round(v) for k, v in report.steps.items()})
    assert report.steps["train"] < 300, "retraining must stay under 5 minutes"
