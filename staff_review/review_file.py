"""A minimal reader of the review file (CSV or YAML), so the merge can run on this branch.

The full module (export and read) is helper INBOX's `staff_review/review_file.py`; this reader follows the
same columns (key, text, language, predicted_intent, confidence, count, outcomes, correct_intent,
knowledge_entry, note) and is replaced by it when the branches are merged.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml


@dataclass
class Decision:
    """What a reviewer decided for one message: an intent, `ignore`, or `knowledge` (with an entry id)."""

    text: str
    language: str
    correct_intent: str
    knowledge_entry: Optional[str] = None
    predicted_intent: Optional[str] = None


def _rows(path: Path) -> List[Dict[str, Any]]:
    """The rows of a CSV or YAML review file (YAML: a list of rows, or a mapping with one list of rows)."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [])
    return [row for row in data if isinstance(row, dict)]


def read_decisions(path: Path) -> List[Decision]:
    """The rows a reviewer decided (a non-empty `correct_intent`), in file order."""
    decisions = []
    for row in _rows(Path(path)):
        intent = str(row.get("correct_intent") or "").strip()
        if not intent:
            continue
        decisions.append(
            Decision(
                text=str(row.get("text") or ""),
                language=str(row.get("language") or "").strip(),
                correct_intent=intent,
                knowledge_entry=str(row.get("knowledge_entry") or "").strip() or None,
                predicted_intent=str(row.get("predicted_intent") or "").strip() or None,
            )
        )
    return decisions
