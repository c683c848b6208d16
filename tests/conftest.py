"""Shared test set-up: unit tests never touch the project's own var/ databases."""

from __future__ import annotations

import os
import tempfile

_scratch = tempfile.mkdtemp(prefix="assistant-tests-")
os.environ.setdefault("KNOWLEDGE_DB_URL", f"sqlite:///{_scratch}/knowledge.db")
os.environ.setdefault("CASES_DB_URL", f"sqlite:///{_scratch}/cases.db")
# every SQLite file the code under test opens through VAR_DIR goes to the scratch folder
os.environ["VAR_DIR"] = _scratch
