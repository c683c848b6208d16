"""The review file: the inbox as CSV (for a spreadsheet) and YAML (for an editor), and reading the decisions back.

Both formats hold the same rows and columns (`COLUMNS`). `correct_intent` is empty on export; a reviewer fills
in an intent of domain.yml, `ignore` (not a useful example), or `knowledge` (a new way of asking for a
knowledge entry: its id goes in `knowledge_entry`). Reading checks every filled row and reports every problem
at once, each naming its row, so that a reviewer fixes the file in one go.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set

import yaml

from actions.knowledge.loader import load_entries
from actions.paths import KNOWLEDGE_DIR, ROOT

from .inbox import InboxItem
from .redact import redact

COLUMNS = (
    "key",
    "text",
    "language",
    "predicted_intent",
    "confidence",
    "count",
    "outcomes",
    "correct_intent",
    "knowledge_entry",
    "note",
)
IGNORE = "ignore"
KNOWLEDGE = "knowledge"
LANGUAGES = ("en", "nl")
YAML_HEADER = """\
# Review file: fill `correct_intent` for each message you reviewed, with an intent name, `ignore`
# (not a useful example) or `knowledge` (then put the knowledge entry id in `knowledge_entry`).
# Rows left empty are not reviewed yet. Texts are redacted; keep them so.
"""


class ReviewFileError(ValueError):
    """The review file has problems; the message lists each with its row."""


@dataclass
class Decision:
    """A reviewer's verdict on one message: its intent, `ignore`, or `knowledge` with the entry it asks for."""

    text: str
    language: str
    correct_intent: str
    knowledge_entry: Optional[str] = None
    predicted_intent: Optional[str] = None


def printable(text: str) -> str:
    """The text without control characters (a NUL, an escape): CSV cannot hold a NUL, and no reviewer can read one."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def item_row(item: InboxItem) -> Dict[str, Any]:
    """The review-file row of one inbox item (decision columns empty)."""
    return {
        "key": item.key,
        "text": printable(item.text),
        "language": item.language,
        "predicted_intent": item.predicted_intent,
        "confidence": round(item.confidence, 3),
        "count": item.count,
        "outcomes": " ".join(item.outcomes),
        "correct_intent": "",
        "knowledge_entry": "",
        "note": "",
    }


def write_csv_rows(rows: Iterable[Dict[str, Any]], path: Path) -> Path:
    """Write review-file rows (dicts with the COLUMNS) as CSV (UTF-8, header row) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_csv(items: Iterable[InboxItem], path: Path) -> Path:
    """Write the items as CSV to `path` (decision columns empty)."""
    return write_csv_rows((item_row(item) for item in items), path)


def write_yaml(items: Iterable[InboxItem], path: Path) -> Path:
    """Write the items as a YAML list of rows to `path`, with a short how-to at the top."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [item_row(item) for item in items]
    path.write_text(
        YAML_HEADER + yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
    return path


def write_review_files(items: List[InboxItem], stem: Path) -> List[Path]:
    """Write `<stem>.csv` and `<stem>.yml` with the same rows."""
    return [write_csv(items, stem.with_suffix(".csv")), write_yaml(items, stem.with_suffix(".yml"))]


def known_intents(domain_path: Path = ROOT / "domain.yml") -> Set[str]:
    """The intents of the domain (what a corrected message may be labelled with)."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    names = set()
    for intent in domain.get("intents") or []:
        names.add(next(iter(intent)) if isinstance(intent, dict) else str(intent))
    return names


def knowledge_ids(directory: Path = KNOWLEDGE_DIR) -> Set[str]:
    """The ids of the knowledge entries (what a `knowledge` decision may point at)."""
    return {entry.id for entry in load_entries(directory)}


def _rows(path: Path) -> List[Dict[str, Any]]:
    """The rows of a CSV or YAML review file, as dictionaries."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    if path.suffix.lower() in (".yml", ".yaml"):
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ReviewFileError(f"{path}: expected a YAML list of rows with the columns {', '.join(COLUMNS)}")
        return rows
    raise ReviewFileError(f"{path}: a review file is .csv, .yml or .yaml")


def _cell(row: Dict[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def read_decisions(
    path: Path, intents: Optional[Set[str]] = None, entries: Optional[Set[str]] = None
) -> List[Decision]:
    """The decisions of a filled-in review file (CSV or YAML); rows without `correct_intent` are skipped.

    Args:
        path: The review file.
        intents: Allowed intents (default: domain.yml's).
        entries: Allowed knowledge entry ids (default: those in knowledge/).

    Returns:
        One decision per reviewed row, in file order (`ignore` rows included: the merge skips them).

    Raises:
        ReviewFileError: Listing every bad row: unknown intent, missing or unknown knowledge entry, unknown
            language, or a text that still holds personal data.
    """
    path = Path(path)
    rows = _rows(path)
    intents = known_intents() if intents is None else intents
    decisions: List[Decision] = []
    problems: List[str] = []
    first_row = 2 if path.suffix.lower() == ".csv" else 1
    for number, row in enumerate(rows, start=first_row):
        correct = _cell(row, "correct_intent")
        if not correct:
            continue
        where = f"row {number}" + (f" (key {_cell(row, 'key')})" if _cell(row, "key") else "")
        text, language, entry = _cell(row, "text"), _cell(row, "language"), _cell(row, "knowledge_entry") or None
        if not text:
            problems.append(f"{where}: the text is empty")
        elif redact(text).text != text or redact(text).withheld:
            problems.append(f"{where}: the text holds personal data; keep the redacted text")
        if language not in LANGUAGES:
            problems.append(f"{where}: language {language!r} is not one of {', '.join(LANGUAGES)}")
        if correct == KNOWLEDGE:
            if entries is None:
                entries = knowledge_ids()
            if not entry:
                problems.append(f"{where}: correct_intent is 'knowledge' but knowledge_entry is empty")
            elif entry not in entries:
                problems.append(f"{where}: knowledge entry {entry!r} does not exist in knowledge/")
        elif correct != IGNORE and correct not in intents:
            problems.append(
                f"{where}: {correct!r} is not an intent of domain.yml (nor 'ignore' or 'knowledge'); "
                f"known intents: {', '.join(sorted(intents))}"
            )
        decisions.append(
            Decision(
                text=text,
                language=language,
                correct_intent=correct,
                knowledge_entry=entry if correct == KNOWLEDGE else None,
                predicted_intent=_cell(row, "predicted_intent") or None,
            )
        )
    if problems:
        raise ReviewFileError(f"{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))
    return decisions
