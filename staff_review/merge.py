"""Merges reviewed decisions into the training data and the reviewed knowledge questions.

An intent decision becomes an NLU example in `data/nlu/<language>/reviewed.yml` (one file per language, one
block per intent, new examples appended at the end of their block, so a merge shows as a few added lines in
a diff). A `knowledge` decision becomes a reviewed example question of that entry in
`knowledge/retrieval/reviewed_questions.yml`, which the retriever reads (actions/knowledge/retrieval.py).

Nothing is merged blindly: texts are compared folded (case, accents, punctuation and spacing ignored). A text
already under the same intent (or entry) is skipped as a duplicate; a text already under another intent is a
conflict (listed, not merged: two intents for one sentence would teach the model nothing); a text from an
evaluation set (hold-outs, blind set, shared set, retrieval questions) is refused, since training on it would
make the figures that decide activation lie; an unknown intent, entry or language is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Protocol, Set

import yaml

from actions.language import detect, normalise
from actions.paths import ROOT
from actions.text import fold

from .evaluation_sets import evaluation_texts, load_yaml
from .redact import KINDS

LANGUAGES = ("en", "nl")
IGNORE, KNOWLEDGE = "ignore", "knowledge"
REVIEWED_NLU_FILE = "reviewed.yml"
REVIEWED_QUESTIONS = Path("retrieval") / "reviewed_questions.yml"
NLU_HEADER = (
    'version: "3.1"\n'
    "# Examples staff confirmed from real conversations (python -m staff_review merge / retrain). One block per\n"
    "# intent, alphabetical; new examples are appended at the end of their block. Edit by hand if needed.\n"
)
QUESTIONS_HEADER = (
    "# Questions staff confirmed for a knowledge entry (python -m staff_review merge / retrain), per language.\n"
    "# Their content words help retrieval find the entry (actions/knowledge/retrieval.py, QUESTION_REPEAT).\n"
)
# Rasa reads "[text](entity)", "[text]{...}" and "[text][...]" in an example as an entity annotation; a user's
# message (e.g. with a redaction placeholder "[EMAIL]") must stay plain text.
_ANNOTATION = re.compile(r"\](?=[({\[])")
# The redaction placeholders say where a user's contact details were; they are not part of the question, and
# an example full of "[EMAIL]" would teach the model a token no user types. They are left out of examples.
_PLACEHOLDERS = re.compile(r"\[(?:%s)\]" % "|".join(kind.upper() for kind in KINDS))


class DecisionLike(Protocol):
    """The fields of a review decision the merge reads (staff_review.review_file.Decision)."""

    text: str
    language: str
    correct_intent: str
    knowledge_entry: Optional[str]


@dataclass(frozen=True)
class Item:
    """One reviewed text and where it went, or why not (`detail`)."""

    text: str
    language: str
    target: str  # an intent, or "knowledge:<entry id>"
    detail: str = ""


@dataclass
class MergeResult:
    """What the merge did: added examples and questions, skipped duplicates, conflicts, refusals."""

    added: List[Item] = field(default_factory=list)
    skipped_duplicates: List[Item] = field(default_factory=list)
    conflicts: List[Item] = field(default_factory=list)
    refused: List[Item] = field(default_factory=list)
    ignored: int = 0
    files: List[Path] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was added (otherwise there is nothing to retrain)."""
        return bool(self.added)

    @property
    def nlu_changed(self) -> bool:
        """Whether NLU examples were added (only then does the model need training)."""
        return any(not i.target.startswith(f"{KNOWLEDGE}:") for i in self.added)

    def summary(self) -> str:
        """A few lines for the terminal and the report: counts, then every conflict and refusal."""
        lines = [
            f"added {len(self.added)}, duplicates skipped {len(self.skipped_duplicates)}, "
            f"conflicts {len(self.conflicts)}, refused {len(self.refused)}, ignored {self.ignored}"
        ]
        for item in self.added:
            lines.append(f"  added     [{item.language}] {item.target}: {item.text}")
        for item in self.conflicts:
            lines.append(f"  CONFLICT  [{item.language}] {item.target}: {item.text!r} {item.detail}")
        for item in self.refused:
            lines.append(f"  refused   [{item.language}] {item.target}: {item.text!r} ({item.detail})")
        return "\n".join(lines)


def clean_text(text: str) -> str:
    """One line of plain text: no control characters, redaction placeholders or entity annotation syntax."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text or "")
    text = _PLACEHOLDERS.sub(" ", text)
    return _ANNOTATION.sub("] ", " ".join(text.split())).strip()


def domain_intents(domain_path: Path) -> Set[str]:
    """The intents the domain declares (only those can be trained)."""
    domain = load_yaml(domain_path) or {}
    return {next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents") or []}


def nlu_blocks(path: Path) -> Dict[str, List[str]]:
    """Examples by intent of one NLU file, in file order (other blocks such as synonyms are left out)."""
    if not path.exists():
        return {}
    blocks: Dict[str, List[str]] = {}
    for block in (load_yaml(path) or {}).get("nlu") or []:
        if "intent" in block:
            lines = str(block.get("examples") or "").splitlines()
            examples = [line.strip()[2:] for line in lines if line.strip().startswith("- ")]
            blocks.setdefault(str(block["intent"]), []).extend(examples)
    return blocks


def intents_by_text(data_dir: Path) -> Dict[str, Set[str]]:
    """Folded example text -> the intents it is an example of, over every NLU file in both languages."""
    index: Dict[str, Set[str]] = {}
    for path in sorted((data_dir / "nlu").rglob("*.yml")):
        for intent, examples in nlu_blocks(path).items():
            for example in examples:
                index.setdefault(fold(example), set()).add(intent)
    return index


def write_nlu(path: Path, blocks: Dict[str, List[str]]) -> None:
    """Write an NLU file: intents alphabetical, examples in order, as Rasa's block-literal YAML."""
    lines = [NLU_HEADER.rstrip("\n"), "", "nlu:"]
    for intent in sorted(blocks):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {text}" for text in blocks[intent]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_questions(path: Path) -> Dict[str, Dict[str, List[str]]]:
    """Reviewed knowledge questions: entry id -> language -> questions."""
    if not path.exists():
        return {}
    data = load_yaml(path) or {}
    return {str(k): {str(lang): [str(q) for q in qs or []] for lang, qs in (v or {}).items()} for k, v in data.items()}


def write_questions(path: Path, questions: Dict[str, Dict[str, List[str]]]) -> None:
    """Write the reviewed questions, entries and languages sorted, questions in the order they came."""
    ordered = {k: {lang: questions[k][lang] for lang in sorted(questions[k])} for k in sorted(questions)}
    body = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(QUESTIONS_HEADER + body, encoding="utf-8")


def knowledge_ids(knowledge_dir: Path) -> Set[str]:
    """The ids of the knowledge entries (knowledge/*.yml, as actions.knowledge.loader reads them)."""
    return {
        str(raw.get("id"))
        for path in sorted(knowledge_dir.glob("*.yml"))
        for raw in (load_yaml(path) or {}).get("entries") or []
    }


def _language(decision: DecisionLike, text: str) -> Optional[str]:
    """The decision's language, or the detected one when the review file left it empty."""
    return normalise(decision.language) or detect(text)


class _Merger:
    """The state of one merge: the indexes that find duplicates and conflicts, and the pending additions."""

    def __init__(self, data_dir: Path, knowledge_dir: Path, domain_path: Path, root: Path) -> None:
        self.data_dir, self.knowledge_dir = data_dir, knowledge_dir
        self.intents = domain_intents(domain_path)
        self.entry_ids = knowledge_ids(knowledge_dir)
        self.protected = evaluation_texts(root)
        self.by_text = intents_by_text(data_dir)
        self.nlu = {lang: nlu_blocks(data_dir / "nlu" / lang / REVIEWED_NLU_FILE) for lang in LANGUAGES}
        self.questions = read_questions(knowledge_dir / REVIEWED_QUESTIONS)
        self.entries_by_text: Dict[str, Set[str]] = {}
        for entry_id, by_lang in self.questions.items():
            for question in (q for qs in by_lang.values() for q in qs):
                self.entries_by_text.setdefault(fold(question), set()).add(entry_id)
        self.result = MergeResult()

    def add(self, decision: DecisionLike) -> None:
        """Place one decision: merged, or recorded as ignored, duplicate, conflict or refused."""
        intent = (decision.correct_intent or "").strip()
        if intent == IGNORE:
            self.result.ignored += 1
            return
        text = clean_text(decision.text)
        entry = (decision.knowledge_entry or "").strip()
        target = f"{KNOWLEDGE}:{entry}" if intent == KNOWLEDGE else intent
        language = _language(decision, text) if text else None
        item = Item(text, language or (decision.language or "?"), target)
        reason = self._refusal(text, language, intent, entry)
        if reason:
            self.result.refused.append(Item(item.text, item.language, target, reason))
        elif intent == KNOWLEDGE:
            self._add_question(item, entry)
        else:
            self._add_example(item, intent)

    def _refusal(self, text: str, language: Optional[str], intent: str, entry: str) -> str:
        """Why a decision cannot be merged at all ("" when it can)."""
        if not fold(text):
            return "no words left (withheld or empty)"
        if fold(text) in self.protected:
            return "text of an evaluation set (hold-out, blind, shared or retrieval questions): never trained on"
        if language not in LANGUAGES:
            return "language is neither en nor nl"
        if intent == KNOWLEDGE:
            return "" if entry in self.entry_ids else f"unknown knowledge entry {entry!r}"
        return "" if intent in self.intents else f"unknown intent {intent!r} (not in domain.yml)"

    def _add_example(self, item: Item, intent: str) -> None:
        """An NLU example, unless it is already there (duplicate) or under another intent (conflict)."""
        known = self.by_text.get(fold(item.text), set())
        if intent in known:
            self.result.skipped_duplicates.append(item)
        elif known:
            self.result.conflicts.append(Item(item.text, item.language, intent, f"already under {sorted(known)}"))
        else:
            self.nlu[item.language].setdefault(intent, []).append(item.text)
            self.by_text[fold(item.text)] = {intent}
            self.result.added.append(item)

    def _add_question(self, item: Item, entry: str) -> None:
        """A reviewed question of a knowledge entry, unless already there or already given to another entry."""
        known = self.entries_by_text.get(fold(item.text), set())
        if entry in known:
            self.result.skipped_duplicates.append(item)
        elif known:
            self.result.conflicts.append(Item(item.text, item.language, item.target, f"already for {sorted(known)}"))
        else:
            self.questions.setdefault(entry, {}).setdefault(item.language, []).append(item.text)
            self.entries_by_text[fold(item.text)] = {entry}
            self.result.added.append(item)

    def write(self) -> MergeResult:
        """Write the files that received something; the result with the files written."""
        languages = {i.language for i in self.result.added if not i.target.startswith(f"{KNOWLEDGE}:")}
        for language in sorted(languages):
            path = self.data_dir / "nlu" / language / REVIEWED_NLU_FILE
            write_nlu(path, self.nlu[language])
            self.result.files.append(path)
        if any(i.target.startswith(f"{KNOWLEDGE}:") for i in self.result.added):
            path = self.knowledge_dir / REVIEWED_QUESTIONS
            write_questions(path, self.questions)
            self.result.files.append(path)
        return self.result


def merge_decisions(
    decisions: Iterable[DecisionLike],
    data_dir: Path = ROOT / "data",
    knowledge_dir: Optional[Path] = None,
    domain_path: Optional[Path] = None,
    root: Path = ROOT,
) -> MergeResult:
    """Merge reviewed decisions into `data_dir` (NLU) and `knowledge_dir` (reviewed questions).

    `knowledge_dir` and `domain_path` default to the siblings of `data_dir` (knowledge/, domain.yml), so a
    temporary copy of the project is merged into as a whole. `root` is where the evaluation sets are looked
    up (tests/, ../shared/eval): the project's own, also for a copy, so they are always refused.
    """
    data_dir = Path(data_dir)
    merger = _Merger(
        data_dir,
        Path(knowledge_dir) if knowledge_dir else data_dir.parent / "knowledge",
        Path(domain_path) if domain_path else data_dir.parent / "domain.yml",
        Path(root),
    )
    for decision in decisions:
        merger.add(decision)
    return merger.write()
