"""The configuration files say what the services really do: ports and data folder come from the environment."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa.core.utils import AvailableEndpoints

from service_secrets.tokens import with_action_server_token
from staff_review.tracker_db import STORE_TYPE

ROOT = Path(__file__).resolve().parent.parent


def test_bare_rasa_commands_read_the_endpoints_with_nothing_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # an evaluation script starts `rasa run` and `rasa run actions` as they are, from the repository root
    for name in ("ACTION_PORT", "VAR_DIR", "ACTION_SERVER_TOKEN", "ACTION_SERVER_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert endpoints.action.url == "http://localhost:5055/webhook"
    assert not endpoints.action.headers
    assert endpoints.tracker_store.kwargs["db"] == "var/rasa_tracker.db"


def test_started_stacks_send_the_action_server_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "shared-secret")
    written = tmp_path / "endpoints.yml"
    project = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    written.write_text(yaml.safe_dump(with_action_server_token(project)))
    endpoints = AvailableEndpoints.read_endpoints(str(written))
    assert endpoints.action.headers == {"Authorization": "Bearer shared-secret"}  # what the action server checks


class FakeProcess:
    """Stands in for a started service: records how it was started, and has already exited."""

    started: List[Dict[str, Any]] = []

    def __init__(self, args: List[str], cwd: Any = None, env: Any = None, **_: Any) -> None:
        self.started.append({"args": args, "env": env})

    def poll(self) -> int:
        return 0

    def wait(self, _timeout: float = 0) -> int:
        return 0


def test_run_stack_moves_the_action_server_and_tells_rasa(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("run_stack", ROOT / "scripts" / "run_stack.py")
    assert spec and spec.loader
    run_stack = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_stack)
    monkeypatch.setenv("ACTION_PORT", "6124")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in ("RASA_TOKEN", "RASA_TOKEN_FILE", "ACTION_SERVER_TOKEN", "ACTION_SERVER_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "argv", ["run_stack.py"])
    monkeypatch.setattr(run_stack.signal, "signal", lambda *_: None)
    monkeypatch.setattr(run_stack, "wait_for", lambda *_, **__: True)
    monkeypatch.setattr(run_stack, "find_model", lambda _: (Path("models/assistant.tar.gz"), None))
    monkeypatch.setattr(run_stack.subprocess, "Popen", FakeProcess)
    FakeProcess.started = []

    run_stack.main()

    actions, rasa, desk, website = FakeProcess.started
    assert actions["args"][1:] == ["-m", "rasa_sdk_plugins.serve_actions", "--port", "6124"]
    # Rasa's --cors would add a second Access-Control-Allow-Origin to the chat channel's own: Chromium refuses both
    assert "--cors" not in rasa["args"]
    # every service listens on loopback unless LISTEN_HOST says otherwise
    assert rasa["args"][rasa["args"].index("--interface") + 1] == "127.0.0.1"
    assert actions["env"]["SANIC_HOST"] == "127.0.0.1"
    assert desk["args"][desk["args"].index("--host") + 1] == website["args"][website["args"].index("--host") + 1]
    assert website["args"][1:3] == ["-m", "website"]
    # no token on any command line: Rasa's launcher and the desk read them from $VAR_DIR (made private once)
    rasa_token, action_token = (tmp_path / "rasa_token").read_text(), (tmp_path / "action_server_token").read_text()
    assert rasa["args"][1:3] == ["-m", "assistant_components.serve_rasa"]
    assert not any(token in " ".join(p["args"]) for p in FakeProcess.started for token in (rasa_token, action_token))
    assert "--auth-token" not in rasa["args"]
    assert all(p["env"]["ACTION_SERVER_TOKEN"] == action_token for p in FakeProcess.started)
    written = rasa["args"][rasa["args"].index("--endpoints") + 1]
    monkeypatch.setenv("ACTION_SERVER_TOKEN", action_token)
    endpoints = AvailableEndpoints.read_endpoints(written)
    assert endpoints.action.url == "http://localhost:6124/webhook"
    assert endpoints.action.headers == {"Authorization": f"Bearer {action_token}"}
    assert action_token not in Path(written).read_text()
    assert endpoints.tracker_store.kwargs["db"] == f"{tmp_path}/rasa_tracker.db"
    assert desk["args"][1:3] == ["-m", "advisor_desk"]


def test_run_stack_keeps_conversations_where_tracker_db_url_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With TRACKER_DB_URL set, Rasa gets that database, and the password only through its environment."""
    spec = importlib.util.spec_from_file_location("run_stack", ROOT / "scripts" / "run_stack.py")
    assert spec and spec.loader
    run_stack = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_stack)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("RASA_TOKEN", "secret")
    monkeypatch.setenv("TRACKER_DB_URL", "postgresql://bob:s3cr%40t@db.example:5433/conversations?sslmode=require")
    monkeypatch.delenv("TRACKER_DB_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "argv", ["run_stack.py"])
    monkeypatch.setattr(run_stack.signal, "signal", lambda *_: None)
    monkeypatch.setattr(run_stack, "wait_for", lambda *_, **__: True)
    monkeypatch.setattr(run_stack, "find_model", lambda _: (Path("models/assistant.tar.gz"), None))
    monkeypatch.setattr(run_stack.subprocess, "Popen", FakeProcess)
    FakeProcess.started = []

    run_stack.main()

    rasa = FakeProcess.started[1]
    written = rasa["args"][rasa["args"].index("--endpoints") + 1]
    assert "s3cr" not in Path(written).read_text()
    monkeypatch.setenv("TRACKER_DB_PASSWORD", rasa["env"]["TRACKER_DB_PASSWORD"])
    monkeypatch.setenv("ACTION_SERVER_TOKEN", rasa["env"]["ACTION_SERVER_TOKEN"])
    store = AvailableEndpoints.read_endpoints(written).tracker_store
    assert store.type == STORE_TYPE
    assert store.url == "db.example"  # Rasa hands the endpoint's url to SQLTrackerStore as its host
    assert store.kwargs == {
        "dialect": "postgresql",
        "port": 5433,
        "db": "conversations",
        "username": "bob",
        "password": "s3cr@t",
        "query": {"sslmode": "require"},
    }


def test_readme_layout_table_names_every_folder() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    folders = {path.split("/")[0] for path in tracked if "/" in path}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Project layout", 1)[1].split("\n## ", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    named = {name for cell in first_cells for name in re.findall(r"`([^`/]+)/`", cell)}
    assert folders <= named, f"folders missing from the README's project layout: {sorted(folders - named)}"
    assert named - folders <= {"models", "spacy_pipeline", "var", "results", "reports"}, sorted(named - folders)


def test_the_actions_know_the_fallback_classifiers_threshold() -> None:
    # actions/confidence.py reads a message the FallbackClassifier declined by this bar ("too close to call")
    from actions.confidence import FALLBACK_AMBIGUITY, FALLBACK_THRESHOLD

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    (fallback,) = [component for component in pipeline if component["name"] == "FallbackClassifier"]
    assert fallback["threshold"] == FALLBACK_THRESHOLD
    assert fallback["ambiguity_threshold"] == FALLBACK_AMBIGUITY


def test_make_train_and_the_staff_retraining_train_reproducibly_alike(tmp_path: Path) -> None:
    # Two full trainings with these settings gave byte-identical DIET weights; without them two runs on one machine
    # differed, and so did runs with oneDNN's instruction set left to the CPU (README "Reproducible training").
    from staff_review.retrain import REPRODUCIBLE_TRAINING, _env

    assert REPRODUCIBLE_TRAINING == {"TF_DETERMINISTIC_OPS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    assert {name: _env()[name] for name in REPRODUCIBLE_TRAINING} == REPRODUCIBLE_TRAINING
    # the Makefile's training rule, run with a stand-in for rasa that records the environment it was given
    seen = tmp_path / "seen.txt"
    stand_in = tmp_path / "rasa"
    stand_in.write_text(f"#!/bin/sh\necho $TF_DETERMINISTIC_OPS $ONEDNN_MAX_CPU_ISA \"$*\" > {seen}\n")
    stand_in.chmod(0o755)
    stamp = tmp_path / ".trained"
    subprocess.run(
        ["make", "--no-print-directory", f"MODEL_STAMP={stamp}", f"RASA={stand_in}", str(stamp)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    assert seen.read_text().split(maxsplit=2) == ["1", "AVX2", "train --fixed-model-name assistant --out models\n"]
