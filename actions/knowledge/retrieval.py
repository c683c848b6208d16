"""Finds the entry that answers a question: entities first, then text similarity over the entries.

Two TF-IDF views of every entry are compared with the question: words (names and keywords weigh more than
the answer text) and character n-grams (robust to typos and Dutch compounds such as "kmo-portefeuille" vs
"kmo portefeuille"). A named measure, cluster or permit found by the entity ruler adds a strong boost; the
topic the intent points to breaks ties. Below `threshold` nothing is specific enough and the caller falls
back to the topic overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from ..text import fold
from .entry import LANGUAGES, Entry

WORD_WEIGHT, CHAR_WEIGHT = 0.6, 0.4
ENTITY_BOOST, TOPIC_BOOST = 0.35, 0.04
DEFAULT_THRESHOLD = 0.16


@dataclass(frozen=True)
class Hit:
    """An entry and how well it matches the question."""

    entry: Entry
    score: float


def load_stopwords(path: Path) -> List[str]:
    """English and Dutch stop words from the data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sorted({fold(str(w)) for lang in LANGUAGES for w in data.get(lang, [])})


def entry_document(entry: Entry) -> str:
    """The text an entry is found by: names three times, keywords twice, then titles and answers."""
    names = " ".join(s for lang in LANGUAGES for s in entry.synonyms.get(lang, []))
    keywords = " ".join(k for lang in LANGUAGES for k in entry.keywords.get(lang, []))
    titles = " ".join(entry.title.get(lang, "") for lang in LANGUAGES)
    answers = " ".join(entry.answer.get(lang, "") for lang in LANGUAGES)
    return fold(" ".join([names] * 3 + [keywords] * 2 + [titles] * 2 + [answers]))


class Retriever:
    """Ranks entries for a question."""

    def __init__(self, entries: Sequence[Entry], stopwords: Iterable[str] = (), threshold: float = DEFAULT_THRESHOLD):
        self.entries = list(entries)
        self.threshold = threshold
        docs = [entry_document(e) for e in self.entries]
        self._words = TfidfVectorizer(
            ngram_range=(1, 2), stop_words=list(stopwords) or None, sublinear_tf=True, token_pattern=r"[0-9a-z&+]+"
        )
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform(docs)
        self._char_matrix = self._chars.fit_transform(docs)
        self._stop = set(stopwords)

    def rank(self, question: str, topic: Optional[str] = None, entity_ids: Iterable[str] = ()) -> List[Hit]:
        """All non-overview entries, best first."""
        query = fold(question)
        content = " ".join(w for w in query.split() if w not in self._stop)
        word_scores = linear_kernel(self._words.transform([query]), self._word_matrix)[0]
        char_scores = linear_kernel(self._chars.transform([content or query]), self._char_matrix)[0]
        named = set(entity_ids)
        hits = []
        for i, entry in enumerate(self.entries):
            if entry.type == "overview":
                continue
            score = WORD_WEIGHT * word_scores[i] + CHAR_WEIGHT * char_scores[i]
            score += ENTITY_BOOST if entry.id in named else 0.0
            score += TOPIC_BOOST if topic and entry.topic == topic else 0.0
            hits.append(Hit(entry, float(score)))
        return sorted(hits, key=lambda h: h.score, reverse=True)

    def best(self, question: str, topic: Optional[str] = None, entity_ids: Iterable[str] = ()) -> Optional[Hit]:
        """The best entry if it is specific enough, else None."""
        hits = self.rank(question, topic, entity_ids)
        if hits and hits[0].score >= self.threshold:
            return hits[0]
        return None
