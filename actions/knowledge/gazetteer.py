"""Entity patterns generated from knowledge/: the names users call entries and answer options by.

The same table serves two ends: the spaCy EntityRuler that Rasa runs (built by build_spacy.py), and the
resolver that maps whatever text the ruler matched back to the entry id (SpacyEntityExtractor returns the
matched text, not the pattern id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

from ..text import fold
from .entry import LANGUAGES, Entry

# Entity label per entry type; the label tells the actions what kind of thing was named.
LABELS = {
    "measure": "measure",
    "permit": "permit",
    "cluster": "cluster",
    "cluster_type": "cluster",
}
DEFAULT_LABEL = "term"


# A one-word name of at least this many letters is also recognised in the plural ("octrooien", "patents"):
# the ruler matches whole tokens, so "octrooi" alone missed a question about "octrooien".
PLURAL_MIN_LENGTH = 5


def plurals(name: str) -> List[str]:
    """English and Dutch plural forms of a one-word name ("patent" -> "patents", "patenten"); none for phrases."""
    if " " in name or len(name) < PLURAL_MIN_LENGTH or not name.replace("-", "").isalpha():
        return []
    if name.endswith("e"):
        return [name + "s", name + "n"]
    return [name + "s", name + "en"]


def entry_patterns(entries: Iterable[Entry]) -> List[Dict[str, str]]:
    """One ruler pattern per synonym: {label, pattern, id}."""
    patterns = []
    for entry in entries:
        for name in entry.names():
            patterns.append({"label": LABELS.get(entry.type, DEFAULT_LABEL), "pattern": name, "id": entry.id})
    return patterns


def all_patterns(entries: Iterable[Entry], options_file: Path) -> List[Dict[str, str]]:
    """Entry names and answer options, then the plurals of one-word entry names that no name or option uses.

    What the ruler recognises and what the resolver maps back; a generated plural never shadows a real pattern.
    """
    named = entry_patterns(entries)
    options = option_patterns(options_file)
    taken = {fold(p["pattern"]) for p in named + options}
    plural_patterns = []
    for pattern in named:
        for plural in plurals(pattern["pattern"]):
            if fold(plural) not in taken:
                taken.add(fold(plural))
                plural_patterns.append({**pattern, "pattern": plural})
    return named + options + plural_patterns


# answer options that are also worth recognising anywhere: entity label per options.yml slot
OPTION_LABELS = {
    "contact_language": "language",
    "legal_form": "legal_form",
    "organisation_type": "company_size",
    "startup_sector": "sector",
    "permit_activity": "sector",
}
MIN_PATTERN_LENGTH = 3


def option_patterns(options_file: Path) -> List[Dict[str, str]]:
    """Ruler patterns for languages ("in English please"), legal forms, company sizes and sectors."""
    slots = yaml.safe_load(options_file.read_text(encoding="utf-8"))["slots"]
    patterns = []
    for slot, label in OPTION_LABELS.items():
        for option, spec in slots[slot].items():
            if option == "other":
                continue
            for lang in LANGUAGES:
                for phrase in spec.get(lang, []):
                    if len(str(phrase)) >= MIN_PATTERN_LENGTH:
                        patterns.append({"label": label, "pattern": str(phrase).lower(), "id": option})
    return patterns


class Resolver:
    """Maps matched entity text back to the id of the entry (or option) it names."""

    def __init__(self, patterns: Iterable[Dict[str, str]]) -> None:
        self._ids: Dict[str, str] = {}
        for p in patterns:
            self._ids.setdefault(fold(p["pattern"]), p["id"])

    def resolve(self, text: str) -> Optional[str]:
        """The id for a matched name, or None if it is not one of ours."""
        return self._ids.get(fold(text))
