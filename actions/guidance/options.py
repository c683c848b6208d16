"""Understands answers to the guided-advice questions, typed or clicked, using knowledge/guidance/options.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from ..paths import KNOWLEDGE_DIR
from ..text import contains_phrase, fold, mentions

OPTIONS_FILE = KNOWLEDGE_DIR / "guidance" / "options.yml"
# Slots naming a field or an activity, whose words also count inside compounds ("voedingsbedrijf", "bioplastics");
# elsewhere only whole words count ("adviesbureau" does not ask for advice).
COMPOUND_SLOTS = {"cluster_domain", "permit_activity", "startup_sector"}
_NUMBER = re.compile(r"\b(\d{1,6})\b")
SMALL_LIMIT, MEDIUM_LIMIT = 50, 250  # EU SME definition (staff headcount)


class OptionParser:
    """Maps an answer to an option id of a slot, or None when it is not clear."""

    def __init__(self, path: Path = OPTIONS_FILE) -> None:
        self.slots: Dict[str, Dict[str, dict]] = yaml.safe_load(path.read_text(encoding="utf-8"))["slots"]

    def options(self, slot: str) -> List[str]:
        """Option ids of a slot, in file order."""
        return list(self.slots[slot])

    def label(self, slot: str, option: str, language: str) -> str:
        """How the assistant names an option in a sentence."""
        labels = self.slots[slot][option]["label"]
        return labels.get(language) or labels["en"]

    def parse(self, slot: str, text: str) -> Optional[str]:
        """The option the answer means: its id (a button), a headcount, or the most specific phrase."""
        folded = fold(text)
        if not folded:
            return None
        for option in self.slots[slot]:
            if folded == fold(option):
                return option
        best: Optional[str] = None
        best_length = 0
        matches = mentions if slot in COMPOUND_SLOTS else contains_phrase
        for option, spec in self.slots[slot].items():
            for phrase in spec.get("en", []) + spec.get("nl", []):
                length = len(fold(str(phrase)))
                if length > best_length and matches(folded, str(phrase)):
                    best, best_length = option, length
        if slot == "organisation_type" and best != "nonprofit":
            counted = _by_headcount(folded)
            if counted:
                return counted
        return best


def _by_headcount(folded: str) -> Optional[str]:
    """'we are 12 people' -> small; the EU SME thresholds."""
    numbers = [int(n) for n in _NUMBER.findall(folded)]
    if not numbers:
        return None
    staff = max(numbers)
    if staff < SMALL_LIMIT:
        return "small"
    if staff < MEDIUM_LIMIT:
        return "medium"
    return "large"


@lru_cache(maxsize=1)
def option_parser() -> OptionParser:
    """The shared parser."""
    return OptionParser()
