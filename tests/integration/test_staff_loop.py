"""The staff loop end to end, on a real tracker store and a running server (issue 11, item 9).

Conversations are held through the REST channel, one of them a misunderstood question with an e-mail address
and a phone number in it; the review inbox is exported with the CLI and is redacted; a reviewer's decision is
filled in; the pipeline merges it, validates, finetunes a candidate, compares it with the active model on the
held-out files and activates it in the running server, which then understands the corrected question, without
a restart and without losing a conversation.

Slow (a finetuning and two evaluations: about 4 to 8 minutes on two cores). Runs on a copy of data/ and
knowledge/ and a copy of the trained model, with its own servers, so the project's files are not changed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import date

import pytest
import requests

from actions.paths import ROOT
from staff_review.activate import ACTIVE_NAME, model_id
from staff_review.retrain import run_pipeline
from tests.servers import Stack, text_of

CONTACT = "mail me at jan.peeters@example.com or call 0475 12 34 56"
RAW_CONTACT = ("jan.peeters@example.com", "0475 12 34 56")

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
    running = Stack(tmp_path_factory.mktemp("staff-loop-stack"), model=project / "models" / ACTIVE_NAME)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def parse(stack, text):
    response = requests.post(
        f"{stack.rasa_url}/model/parse", headers=stack.rasa_auth(), json={"text": text}, timeout=60
    )
    response.raise_for_status()
    return response.json()["intent"]


def export_review_file(stack, out):
    """What staff run: `python -m staff_review export` on the server's tracker store; the CSV rows."""
    env = {**os.environ, "TRACKER_DB_URL": stack.tracker_db_url}
    done = subprocess.run(
        [sys.executable, "-m", "staff_review", "export", "--since", date.today().isoformat(), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with out.with_suffix(".csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_misunderstood_message_is_reviewed_merged_retrained_and_then_understood(project, server, tmp_path):
    # a conversation is going on while staff work
    assert text_of(server.say("visitor-1", "hello"))
    typed = {text: f"{text}, {CONTACT}" for text, _ in CANDIDATES}
    wrong = [(text, intent) for text, intent in CANDIDATES if parse(server, typed[text])["name"] != intent]
    assert wrong, "the trained model already understands every candidate message: pick harder ones"
    question, intent = wrong[0]
    # an entrepreneur types it with contact details, twice (in two conversations)
    for visitor in ("visitor-2", "visitor-3"):
        assert text_of(server.say(visitor, typed[question]))

    # the inbox, exported: redacted, grouped, with an empty decision column
    out = tmp_path / "review"
    rows = export_review_file(server, out)
    exported = out.with_suffix(".csv").read_text() + out.with_suffix(".yml").read_text()
    assert not any(raw in exported for raw in RAW_CONTACT), "personal data left the tracker store"
    row = next(r for r in rows if r["text"].startswith(question))
    assert "[EMAIL]" in row["text"] and "[PHONE]" in row["text"]
    assert row["count"] == "2" and row["correct_intent"] == "" and row["predicted_intent"] != intent

    # the reviewer's decision, as staff fill it in (spreadsheet or review page)
    row["correct_intent"] = intent
    review = tmp_path / "reviewed.csv"
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    report = run_pipeline(
        review,
        force=True,  # the activation rule is tested in tests/staff; here the whole loop is under test
        reason="integration test",
        rasa_url=server.rasa_url,
        token=server.token,
        models_dir=project / "models",
        data_dir=project / "data",
        reports_dir=project / "reports",
    )

    assert [i.text for i in report.merge.added] == [f"{question}, mail me at or call"]
    language = report.merge.added[0].language
    assert intent in (project / "data" / "nlu" / language / "reviewed.yml").read_text()
    assert report.candidate and report.candidate.parent.parent == project / "models" / "candidates"
    assert report.activated and report.activation and report.activation.server_loaded, report.message
    # the running server now runs the candidate and understands the message as the entrepreneur typed it
    status = requests.get(f"{server.rasa_url}/status", headers=server.rasa_auth(), timeout=30).json()
    assert status["model_id"] == model_id(report.candidate)
    assert parse(server, typed[question])["name"] == intent
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
    # a finetune of the active model, not a training from scratch (its time is in the report and `make bench`;
    # a wall-clock bound here failed on a slower machine at 302 s while the CI's other tests shared its cores)
    assert report.training_mode.startswith("incremental"), report.training_mode
