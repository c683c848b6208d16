"""Reads knowledge/*.yml into entries, refusing to load content that fails the schema."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import yaml

from .entry import Entry
from .schema import check_all


class KnowledgeError(ValueError):
    """The knowledge files have errors; the message lists them all."""


def read_raw(directory: Path) -> List[Tuple[str, dict]]:
    """(topic, raw entry) pairs from every topic file in `directory`."""
    pairs: List[Tuple[str, dict]] = []
    for path in sorted(Path(directory).glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "entries" not in document:
            continue
        for raw in document["entries"]:
            pairs.append((document.get("topic", path.stem), raw))
    return pairs


def load_entries(directory: Path) -> List[Entry]:
    """Validated entries; raises KnowledgeError with every problem found."""
    pairs = read_raw(directory)
    errors = check_all(pairs)
    if errors:
        raise KnowledgeError("knowledge has errors:\n  " + "\n  ".join(errors))
    return [Entry.from_dict({**raw, "topic": topic}) for topic, raw in pairs]
