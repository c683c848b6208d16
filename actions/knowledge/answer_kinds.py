"""What kind of answer a question asks for (an amount, a date, a duration) and which entries give one.

Read from knowledge/retrieval/answer_kinds.yml. Text similarity alone ranks "when did the Flemish government
approve the cluster policy?" by its words about cluster policy, and every cluster-policy entry shares them;
the entry that states a year is the one that answers "when". The retriever adds a small boost to entries
whose answer gives the kind of thing asked (retrieval.py, ANSWER_KIND_BOOST).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import FrozenSet, List, Pattern

from ..cues import CueList, both_languages, read_list_file
from .entry import LANGUAGES, Entry


@dataclass(frozen=True)
class AnswerKind:
    """One kind of answer: the question words that ask for it, the pattern that shows an answer gives it."""

    name: str
    asks: CueList
    gives: Pattern[str]

    def given_by(self, entry: Entry) -> bool:
        """Whether the entry's answer, in any language, states this kind of thing."""
        return any(self.gives.search(entry.answer.get(lang, "")) for lang in LANGUAGES)


def load_answer_kinds(path: Path) -> List[AnswerKind]:
    """The kinds in the data file (none when the file does not exist)."""
    if not path.exists():
        return []
    return [
        AnswerKind(
            name=str(name),
            asks=CueList.of(str(w) for w in both_languages(spec.get("asks") or {})),
            gives=re.compile(str(spec["gives"]), re.IGNORECASE),
        )
        for name, spec in read_list_file(path).items()
    ]


def asked_kinds(question: str, kinds: List[AnswerKind]) -> FrozenSet[str]:
    """The names of the kinds a question asks for."""
    return frozenset(k.name for k in kinds if k.asks.found_in(question))
