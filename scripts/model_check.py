"""Which trained model `make run` starts, and a clear sentence when there is none or it is damaged.

Without this check `rasa run` with no model serves a server that never answers, and a truncated model ends in
a long traceback; `make run` should instead say what is wrong and how to fix it, and stop.
"""

from __future__ import annotations

import os
import tarfile
import zlib
from pathlib import Path
from typing import Optional, Tuple

MODEL_ENV = "MODEL_PATH"
FIX = "run `make train` (or point MODEL_PATH at a trained model file)"


def model_path(root: Path) -> Path:
    """MODEL_PATH (a model file, or a folder whose newest model is used; relative to `root`), else models/."""
    configured = Path(os.environ.get(MODEL_ENV) or "models")
    return configured if configured.is_absolute() else root / configured


def find_model(path: Path) -> Tuple[Optional[Path], Optional[str]]:
    """The model file to start (newest `*.tar.gz` of a folder) and None, or None and what is wrong."""
    if path.is_dir():
        models = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not models:
            return None, f"No trained model in {path}: {FIX}."
        path = models[-1]
    elif not path.exists():
        return None, f"No trained model: {path} does not exist; {FIX}."
    problem = damage(path)
    if problem:
        return None, f"The model {path} cannot be used: {problem}. Delete it and {FIX}."
    return path, None


def damage(path: Path) -> Optional[str]:
    """Why `path` is not a complete Rasa model archive (reads it through once), or None."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = [member.name for member in archive]  # iterating reads to the end: truncation shows here
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        return f"it is not a complete .tar.gz archive ({type(exc).__name__}: {exc})"
    if not any(name.rsplit("/", 1)[-1] == "metadata.json" for name in names):
        return "it is an archive but not a Rasa model (no metadata.json)"
    return None
