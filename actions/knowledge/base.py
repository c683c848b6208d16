"""The knowledge base the actions use: files loaded into the SQL store, then indexed for retrieval."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from sqlalchemy.engine import Engine

from ..cues import Cues
from ..paths import KNOWLEDGE_DIR
from .answer_kinds import load_answer_kinds
from .entry import Entry
from .gazetteer import Resolver, all_patterns
from .loader import load_entries
from .retrieval import (
    CONTEXT_LABELS,
    NAMED_TYPES,
    Hit,
    Retriever,
    load_domain_words,
    load_reviewed_questions,
    load_stopwords,
)
from .store import KnowledgeStore, engine_from_env

logger = logging.getLogger(__name__)
FOLLOWUP_BOOST = 0.1
REVIEWED_QUESTIONS_FILE = "reviewed_questions.yml"


class KnowledgeBase:
    """Entries by id, the retriever over them, and the resolver for entity names."""

    def __init__(self, entries: List[Entry], knowledge_dir: Path = KNOWLEDGE_DIR) -> None:
        self.entries: Dict[str, Entry] = {e.id: e for e in entries}
        self.stopwords = load_stopwords(knowledge_dir / "retrieval" / "stopwords.yml")
        # example questions staff confirmed for an entry (python -m staff_review merge) help find it
        questions = load_reviewed_questions(knowledge_dir / "retrieval" / REVIEWED_QUESTIONS_FILE)
        options = knowledge_dir / "guidance" / "options.yml"
        domain_words = load_domain_words(options)
        kinds = load_answer_kinds(knowledge_dir / "retrieval" / "answer_kinds.yml")
        self.retriever = Retriever(
            entries, self.stopwords, questions=questions, domain_words=domain_words, answer_kinds=kinds
        )
        self.resolver = Resolver(all_patterns(entries, options))
        self.cues = Cues.load(knowledge_dir / "understanding")

    def get(self, entry_id: str) -> Optional[Entry]:
        """An entry by id."""
        return self.entries.get(entry_id)

    def overview(self, topic: str) -> Optional[Entry]:
        """The general entry for a topic."""
        return self.entries.get(f"{topic}_overview")

    def of_topic(self, topic: str) -> List[Entry]:
        """Entries of one topic, in file order."""
        return [e for e in self.entries.values() if e.topic == topic]

    def entity_ids(self, entities: Iterable[dict]) -> List[str]:
        """Entry ids named by the entities Rasa extracted (ruler text, or a button's entry_id)."""
        ids = []
        for ent in entities:
            resolved = self.resolver.resolve(str(ent.get("value", "")))
            if resolved in self.entries:
                ids.append(resolved)
        return ids

    def find(
        self, question: str, topic: Optional[str], entities: Iterable[dict], may_be_sure: bool = True
    ) -> Optional[Hit]:
        """The entry answering `question` (a button's entry_id decides outright), or None.

        `may_be_sure` False: the answer is at most "the closest information" (the intent was a guess).
        """
        entities = list(entities)
        for ent in entities:
            if ent.get("entity") == "entry_id" and ent.get("value") in self.entries:
                return Hit(self.entries[ent["value"]], 1.0)
        context = [str(e.get("value", "")) for e in entities if e.get("entity") in CONTEXT_LABELS]
        return self.retriever.best(question, topic, self.entity_ids(entities), context, may_be_sure=may_be_sure)

    def names_an_entry(self, entities: Iterable[dict]) -> bool:
        """Whether the message names a measure, permit or cluster of its own (then it is not a follow-up)."""
        return any(self.entries[i].type in NAMED_TYPES for i in self.entity_ids(entities))

    def find_followup(self, question: str, previous: Entry, entities: Iterable[dict]) -> Optional[Hit]:
        """The entry answering a follow-up ("how long does that take?") on the previous answer.

        The question alone is compared with the entries, in the previous answer's topic, and the previous
        entry and its neighbours (related entries, entries about the same named thing) get a boost: "how
        long" after the environmental permit finds the entry on its processing time; "how much can I get"
        after the SME wallet stays with the SME wallet, whose answer gives the amounts.
        """
        entities = list(entities)
        near = self.neighbours(previous)
        extra = {previous.id: FOLLOWUP_BOOST, **{n: FOLLOWUP_BOOST for n in near}}
        return self.retriever.best(question, previous.topic, self.entity_ids(entities), (), extra)

    def neighbours(self, entry: Entry) -> List[str]:
        """Entries close to `entry`: its related entries, the entries about it, and those that relate to it."""
        found = set(entry.related) | set(self.retriever.family(entry.id))
        found |= {e.id for e in self.entries.values() if entry.id in e.related}
        found.discard(entry.id)
        return sorted(found)


def load_into_store(knowledge_dir: Path = KNOWLEDGE_DIR, engine: Optional[Engine] = None) -> List[Entry]:
    """Validate the files, replace the store's contents with them, and return what the store holds."""
    store = KnowledgeStore(engine if engine is not None else engine_from_env())
    store.replace_all(load_entries(knowledge_dir))
    return store.all()


def build_knowledge_base(knowledge_dir: Path = KNOWLEDGE_DIR, engine: Optional[Engine] = None) -> KnowledgeBase:
    """Load the files into the SQL store (KNOWLEDGE_DB_URL unless `engine` is given) and index what it holds.

    Called once when the action server starts (see `rasa_sdk_plugins/`), not when a module is imported.
    """
    entries = load_into_store(knowledge_dir, engine)
    logger.info("Knowledge base loaded: %d entries", len(entries))
    return KnowledgeBase(entries, knowledge_dir)


_installed: List[KnowledgeBase] = []  # the one the actions use, once handed over


def set_knowledge_base(kb: Optional[KnowledgeBase]) -> None:
    """Hand the actions the knowledge base to use (the action server at start-up; tests, their own)."""
    _installed[:] = [kb] if kb is not None else []


def knowledge_base() -> KnowledgeBase:
    """The knowledge base the actions use, as handed over by `set_knowledge_base`."""
    if not _installed:
        raise RuntimeError(
            "no knowledge base: the action server builds it at start-up (rasa_sdk_plugins), tests call "
            "set_knowledge_base(...)"
        )
    return _installed[0]
