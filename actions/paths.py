"""Where the project's data lives, so every module resolves it the same way from any working directory."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = Path(os.environ.get("KNOWLEDGE_DIR", ROOT / "knowledge"))
# Database files live in the data folder VAR_DIR: see cases.database.data_dir.
