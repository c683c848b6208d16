"""The shared evaluation runner (../shared/eval/run_eval.py) works on this repository as it is.

That runner is how the assistant is scored on question sets it never saw: it starts the bare `rasa run
actions` and `rasa run --enable-api --auth-token ...` from the repository root, with nothing else set, and
talks REST. Anything the project needs beyond that (an exported token, an environment variable) makes every
one of its cases fail, so this test runs it on a few cases of our own, with the same empty environment.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT.parent / "shared" / "eval" / "run_eval.py"
# the project's own settings a developer or CI may have exported; the runner's users have none of them
PROJECT_VARIABLES = ("ACTION_SERVER_TOKEN", "ACTION_SERVER_TOKEN_FILE", "APP_MODE", "LOG_FORMAT", "REST_CHANNEL_TOKEN")
CASES = [
    {"id": "own-1", "topic": "financing", "lang": "en", "text": "tell me about the SME wallet", "expect": "answer",
     "expect_any": ["http"]},
    {"id": "own-2", "topic": "startup", "lang": "nl", "text": "wat kost het om mijn eenmanszaak in te schrijven",
     "expect": "answer", "expect_any": ["http"]},
    {"id": "own-3", "topic": "out_of_scope", "lang": "en", "text": "which football team won the league in 1990",
     "expect": "fallback"},
    {"id": "own-4", "topic": "handoff", "lang": "en", "text": "I need a person from the agency to help me",
     "expect": "handoff"},
]  # fmt: skip


def port_busy(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_shared_runner_scores_every_case_through_the_bare_commands(tmp_path: Path) -> None:
    if not RUNNER.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{RUNNER} is missing: CI machines have ../shared beside the repository")
        pytest.skip(f"{RUNNER} is not on this machine")
    if port_busy(5055):
        pytest.skip("port 5055 is taken (a running `make run`?): the runner needs it for the action server")
    cases = tmp_path / "cases.yaml"
    cases.write_text(yaml.safe_dump({"cases": CASES}, allow_unicode=True), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name not in PROJECT_VARIABLES}
    result = subprocess.run(
        [sys.executable, str(RUNNER), "--cases", str(cases), "--out", str(tmp_path / "failures.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    overall = next(line for line in lines if line.get("group") == "overall")
    failures = json.loads((tmp_path / "failures.json").read_text())
    assert overall == {"group": "overall", "passed": 4, "cases": 4, "rate": 1.0}, failures
