"""The alternative a team would pick: a `rasa init --no-prompt` assistant, built with this project's venv."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Tuple

from .processes import BIN, base_env


def init_project(folder: Path) -> Tuple[Path, float]:
    """Create and train the plain assistant in `folder`/plain; returns its folder and the seconds it took."""
    project = folder / "plain"
    project.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
        cwd=project,
        env=base_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not list((project / "models").glob("*.tar.gz")):
        raise RuntimeError(f"`rasa init` trained no model in {project}")
    return project, time.monotonic() - started
