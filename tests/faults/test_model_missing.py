"""`make run` (scripts/run_stack.py) with no model, or a damaged one: a clear sentence and a non-zero exit.

Runs the real script with MODEL_PATH pointing into a temporary folder; it must stop before starting any
service, say what is wrong and how to fix it as its last word, and never end in a traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Dict

import pytest

from tests.servers import ROOT, free_port

RUN_STACK = ROOT / "scripts" / "run_stack.py"


def write_model(path: Path, with_metadata: bool = True) -> Path:
    """A small archive shaped like a Rasa model: metadata.json and an incompressible component file."""
    with tarfile.open(path, "w:gz") as archive:
        files = {"components/weights.bin": os.urandom(256 * 1024)}
        if with_metadata:
            files["metadata.json"] = b'{"assistant_id": "test"}'
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def run_stack(model_path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    ports = {name: str(free_port()) for name in ("ACTION_PORT", "RASA_PORT", "DESK_PORT", "WEBSITE_PORT")}
    env: Dict[str, str] = {
        **os.environ,
        **ports,
        "MODEL_PATH": str(model_path),
        "VAR_DIR": str(tmp_path / "var"),
        "RASA_TOKEN": "t",
    }
    return subprocess.run(
        [sys.executable, str(RUN_STACK)], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def last_words(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def assert_refused(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    said = last_words(result)
    assert said.startswith("Cannot start the assistant."), said
    assert "make train" in said
    for part in expected:
        assert part in said, (part, said)
    assert "Traceback" not in result.stdout + result.stderr


def test_an_empty_models_folder_says_run_make_train(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    assert_refused(run_stack(folder, tmp_path), f"No trained model in {folder}")


def test_a_model_path_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "assistant.tar.gz"
    assert_refused(run_stack(missing, tmp_path), f"{missing} does not exist")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "no metadata"])
def test_a_damaged_model_is_named_and_not_started(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    model = write_model(folder / "assistant.tar.gz", with_metadata=damage != "no metadata")
    if damage == "truncated":
        model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    elif damage == "garbage":
        model.write_bytes(b"this is not a model\n" * 100)
    result = run_stack(folder, tmp_path)
    assert_refused(result, f"The model {model} cannot be used", "Delete it")
    if damage == "no metadata":
        assert "not a Rasa model" in last_words(result)
    else:
        assert "not a complete .tar.gz archive" in last_words(result)


def test_the_newest_complete_model_is_accepted(tmp_path: Path) -> None:
    """The check itself does not refuse a good model (the real start is in every server test)."""
    sys.path.insert(0, str(ROOT))
    from scripts.model_check import find_model

    folder = tmp_path / "models"
    folder.mkdir()
    old = write_model(folder / "old.tar.gz")
    os.utime(old, (1, 1))
    new = write_model(folder / "new.tar.gz")
    assert find_model(folder) == (new, None)
    assert find_model(new) == (new, None)
