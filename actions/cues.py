"""Word lists that tell what kind of message this is, read from knowledge/understanding/*.yml.

The statistical classifier decides the intent; these lists decide a few things it cannot learn from examples
alone and that must be easy for staff to read and change: whether a "confidential" message really describes
a sensitive situation, whether a short message follows up on the previous answer, whether a guidance request
names a situation, and whether an out-of-scope message is about another country's company law.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, FrozenSet, Iterable, List, Tuple

import yaml

from .knowledge.entry import LANGUAGES
from .text import contains_phrase, fold

# a link's pieces ("https", "www", "com") say nothing about what a message asks
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class CueList:
    """Folded words, word prefixes (written with a trailing *) and phrases; matched as whole words."""

    words: FrozenSet[str]
    prefixes: Tuple[str, ...]
    phrases: Tuple[str, ...]

    @classmethod
    def of(cls, items: Iterable[str]) -> "CueList":
        """Sort raw list items into words, prefixes and phrases."""
        words, prefixes, phrases = set(), [], []
        for item in items:
            raw = str(item).strip()
            folded = fold(raw.rstrip("*"))
            if not folded:
                continue
            if raw.endswith("*") and " " not in folded:
                prefixes.append(folded)
            elif " " in folded:
                phrases.append(folded)
            else:
                words.add(folded)
        return cls(frozenset(words), tuple(prefixes), tuple(phrases))

    def found_in(self, text: str) -> bool:
        """Whether any cue occurs in `text` (folded here)."""
        folded = fold(text)
        tokens = folded.split()
        if any(t in self.words for t in tokens):
            return True
        if any(t.startswith(p) for t in tokens for p in self.prefixes):
            return True
        return any(contains_phrase(folded, p) for p in self.phrases)

    def opens(self, text: str) -> bool:
        """Whether `text` (folded here) starts with a cue: a word or phrase as whole words, or a word with a prefix."""
        folded = fold(text)
        tokens = folded.split()
        if not tokens:
            return False
        if tokens[0] in self.words or any(tokens[0].startswith(p) for p in self.prefixes):
            return True
        return any(folded == phrase or folded.startswith(phrase + " ") for phrase in self.phrases)


def both_languages(data: dict, key: str = "") -> List[str]:
    """The items of a list file for English and Dutch together (a message's language may be misdetected)."""
    items: List[str] = []
    for lang in LANGUAGES:
        value: Any = data.get(lang) or []
        items += list(value.get(key, [])) if key else list(value)
    return items


def _countries(abroad: dict, home: dict) -> List[str]:
    """The items of abroad.yml that name a country or a foreign company form (not "abroad" itself)."""
    generic = {fold(str(w)) for w in both_languages(home.get("not_a_country") or {})}
    return [w for w in both_languages(abroad) if fold(str(w).rstrip("*")) not in generic]


def read_list_file(path: Path) -> dict:
    """A word-list file of knowledge/understanding as a mapping (empty when the file is empty)."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@dataclass(frozen=True)
class Cues:
    """All word lists, loaded once with the knowledge base."""

    sensitive: CueList
    abroad: CueList
    followup_refers: CueList
    followup_starts: Tuple[str, ...]
    followup_max_words: int
    generic: FrozenSet[str]
    home: CueList
    country: CueList
    stop: CueList

    @classmethod
    def load(cls, directory: Path) -> "Cues":
        """Read the lists from `directory` (knowledge/understanding)."""
        followups = read_list_file(directory / "followups.yml")
        abroad, home = read_list_file(directory / "abroad.yml"), read_list_file(directory / "home.yml")
        return cls(
            sensitive=CueList.of(both_languages(read_list_file(directory / "sensitive.yml"))),
            abroad=CueList.of(both_languages(abroad)),
            followup_refers=CueList.of(both_languages(followups, "refers")),
            followup_starts=tuple(sorted({fold(s) for s in both_languages(followups, "starts") if fold(s)})),
            followup_max_words=int(followups.get("max_words", 8)),
            generic=frozenset(fold(w) for w in both_languages(read_list_file(directory / "generic_words.yml"))),
            home=CueList.of(both_languages(home)),
            country=CueList.of(_countries(abroad, home)),
            stop=CueList.of(both_languages(read_list_file(directory / "stop_words.yml"))),
        )

    def is_sensitive(self, text: str) -> bool:
        """The message describes a sensitive situation (distress, dispute, takeover, wish for discretion)."""
        return self.sensitive.found_in(text)

    def names_abroad(self, text: str) -> bool:
        """The message is about another country or a foreign company form."""
        return self.abroad.found_in(text)

    def asks_to_stop(self, text: str) -> bool:
        """The message says in words that the person wants to stop the questions."""
        return self.stop.found_in(text)

    def only_abroad(self, text: str) -> bool:
        """The message names another country and nothing that places it in Flanders or Belgium."""
        return self.country.found_in(text) and not self.home.found_in(text)

    def looks_like_followup(self, text: str) -> bool:
        """A short message that refers back ("how long does that take?") or continues ("and in Gent?")."""
        folded = fold(text)
        words = folded.split()
        if not words or len(words) > self.followup_max_words or text.startswith("/"):
            return False
        if any(contains_phrase(folded, s) and folded.startswith(s + " ") for s in self.followup_starts):
            return True
        return self.followup_refers.found_in(folded)

    def content_words(self, text: str, stopwords: Iterable[str]) -> List[str]:
        """Words of the message that say what it is about: not stop words, not generic guidance words."""
        stop = set(stopwords)
        words = fold(_LINK.sub(" ", text)).split()
        return [w for w in words if len(w) > 2 and w not in stop and w not in self.generic]
