"""Where the project's data lives, so every module resolves it the same way from any working directory."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = Path(os.environ.get("KNOWLEDGE_DIR", ROOT / "knowledge"))
VAR_DIR = Path(os.environ.get("VAR_DIR", ROOT / "var"))


def sqlite_url(name: str) -> str:
    """A SQLite URL for a file in var/ (created on demand): the embedded default for every store."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / name}"
