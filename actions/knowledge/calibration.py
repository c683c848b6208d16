"""Measures how well retrieval's confidence tells a right answer from a wrong one.

Two views of the same own questions (tests/retrieval_cases.yml and tests/retrieval/*.yml, never the
evaluation sets):
- answerable: the knowledge holds the answer; how often the top entry is right, and how often it is
  confidently wrong;
- answer left out: the entries that answer the question are taken out of the ranking, so whatever comes
  first is about something else; it must then not be confident (a confident answer about something else is
  worse than saying "I'm not sure").
Used by tests/test_retrieval_quality.py and, to compare settings, by `python -m actions.knowledge.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Sequence

import yaml

from .base import KnowledgeBase
from .retrieval import Hit, Retriever

Entities = Callable[[str], List[dict]]


@dataclass
class Calibration:
    """Counts over the questions; rates as properties."""

    cases: int = 0
    top1_right: int = 0
    confident_right: int = 0
    confident_wrong: int = 0
    left_out_confident: int = 0

    @property
    def accuracy(self) -> float:
        """Share of questions whose top entry is right."""
        return self.top1_right / self.cases if self.cases else 0.0

    @property
    def confident_wrong_rate(self) -> float:
        """Share answered confidently with a wrong entry."""
        return self.confident_wrong / self.cases if self.cases else 0.0

    @property
    def confident_right_rate(self) -> float:
        """Share answered confidently with a right entry."""
        return self.confident_right / self.cases if self.cases else 0.0

    @property
    def left_out_confident_rate(self) -> float:
        """Share still answered confidently when the right entries are left out."""
        return self.left_out_confident / self.cases if self.cases else 0.0

    def summary(self) -> str:
        """One line with every rate."""
        return (
            f"{self.cases} questions: top-1 {self.accuracy:.3f}, confident+right {self.confident_right_rate:.3f}, "
            f"confident+wrong {self.confident_wrong_rate:.3f}; answer left out: confident "
            f"{self.left_out_confident_rate:.3f}"
        )


def read_cases(files: Iterable[Path]) -> List[dict]:
    """Question cases ({q, lang, topic, expect}) from YAML files."""
    cases: List[dict] = []
    for path in files:
        cases += yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return cases


def measure(kb: KnowledgeBase, cases: Sequence[dict], entities: Entities) -> Calibration:
    """Run every question through the knowledge base the way the actions do."""
    result = Calibration()
    retriever = kb.retriever
    for case in cases:
        found = entities(case["q"])
        entity_ids = kb.entity_ids(found)
        hit = kb.find(case["q"], case["topic"], found)
        right = hit is not None and hit.entry.id in case["expect"]
        result.cases += 1
        result.top1_right += right
        if hit is not None and hit.confident:
            result.confident_right += right
            result.confident_wrong += not right
        ranked = [h for h in retriever.rank(case["q"], case["topic"], entity_ids) if h.entry.id not in case["expect"]]
        result.left_out_confident += _confident(retriever, ranked)
    return result


def _confident(retriever: Retriever, ranked: List[Hit]) -> bool:
    if not ranked or ranked[0].score < retriever.tentative:
        return False
    return retriever.is_confident(ranked[0], ranked[1:])


def case_files(root: Path) -> List[Path]:
    """The own retrieval question files."""
    return [root / "tests" / "retrieval_cases.yml", *sorted((root / "tests" / "retrieval").glob("*.yml"))]


def main() -> None:
    """Print the calibration with the spaCy ruler built from knowledge/ (as the assistant runs it)."""
    import tempfile

    import spacy

    from ..paths import KNOWLEDGE_DIR, ROOT
    from .build_spacy import build
    from .loader import load_entries

    with tempfile.TemporaryDirectory() as tmp:
        build(KNOWLEDGE_DIR, Path(tmp) / "pipeline")
        nlp = spacy.load(Path(tmp) / "pipeline")
    kb = KnowledgeBase(load_entries(KNOWLEDGE_DIR))

    def entities(text: str) -> List[Dict[str, str]]:
        return [{"entity": e.label_, "value": e.text} for e in nlp(text).ents]

    print(measure(kb, read_cases(case_files(ROOT)), entities).summary())


if __name__ == "__main__":
    main()
