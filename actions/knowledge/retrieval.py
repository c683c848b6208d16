"""Finds the entry that answers a question: entities first, then text similarity over the entries.

Two TF-IDF views of every entry are compared with the question: words (names and keywords weigh more than
the answer text) and character n-grams (robust to typos and Dutch compounds such as "kmo-portefeuille" vs
"kmo portefeuille"). A named measure, cluster or permit found by the entity ruler adds a strong boost, a
general term ("eenmanszaak", "intercommunale") only a small one; the topic the intent points to breaks ties.
Above `threshold` an entry answers the question; between `tentative` and `threshold` it is offered as the
closest information, with that caveat; below, the caller falls back to the topic overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from ..text import contains_phrase, fold
from .entry import LANGUAGES, Entry

WORD_WEIGHT, CHAR_WEIGHT = 0.6, 0.4
ENTITY_BOOST, TERM_BOOST, TOPIC_BOOST = 0.35, 0.08, 0.04
# Entries whose title names a measure or cluster ("Kmo-portefeuille: apply within 14 days") answer questions
# about one aspect of it. Naming the measure boosts them too, a little less than the measure itself, so the
# rest of the question ("too late", "registered trainer") decides between the measure and its aspects;
# otherwise the measure's own boost always won and the aspect entries could never be reached by name.
FAMILY_SHARE = 0.9
NAME_REPEAT, KEYWORD_REPEAT, TITLE_REPEAT = 2, 2, 1
STRIP_NAMES = True
NAMED_TYPES = {"measure", "permit", "cluster"}
DEFAULT_THRESHOLD, DEFAULT_TENTATIVE = 0.16, 0.10


_SUFFIXES = ("ingen", "ing", "ies", "ed", "es", "en", "s", "e")


def stem(word: str) -> str:
    """A crude English/Dutch suffix stripper ("changing", "change", "changes" -> "chang").

    Applied alike to entries and questions, so it only has to be consistent, not linguistically right.
    """
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class WordAnalyzer:
    """Folded words without stop words, stemmed, as unigrams and bigrams (picklable for sklearn)."""

    def __init__(self, stopwords: Iterable[str]) -> None:
        self.stopwords = set(stopwords)

    def __call__(self, text: str) -> List[str]:
        words = [stem(w) for w in fold(text).split() if w not in self.stopwords]
        return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class Hit:
    """An entry and how well it matches the question."""

    entry: Entry
    score: float
    confident: bool = True


def load_stopwords(path: Path) -> List[str]:
    """English and Dutch stop words from the data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sorted({fold(str(w)) for lang in LANGUAGES for w in data.get(lang, [])})


def entry_document(entry: Entry) -> str:
    """The text an entry is found by: names and keywords repeated, then titles and answers."""
    names = " ".join(s for lang in LANGUAGES for s in entry.synonyms.get(lang, []))
    keywords = " ".join(k for lang in LANGUAGES for k in entry.keywords.get(lang, []))
    titles = " ".join(entry.title.get(lang, "") for lang in LANGUAGES)
    answers = " ".join(entry.answer.get(lang, "") for lang in LANGUAGES)
    return fold(" ".join([names] * NAME_REPEAT + [keywords] * KEYWORD_REPEAT + [titles] * TITLE_REPEAT + [answers]))


def _families(entries: Sequence[Entry]) -> Dict[str, List[str]]:
    """For every entry with names, the other entries whose title or keywords mention one of those names."""
    about = {
        e.id: fold(" ".join([e.title.get(lang, "") for lang in LANGUAGES] + [k for lang in LANGUAGES for k in e.keywords.get(lang, [])]))
        for e in entries
    }
    families: Dict[str, List[str]] = {}
    for entry in entries:
        names = entry.names()
        members = [
            other.id
            for other in entries
            if other.id != entry.id and any(contains_phrase(about[other.id], name) for name in names)
        ]
        if members:
            families[entry.id] = members
    return families


class Retriever:
    """Ranks entries for a question."""

    def __init__(
        self,
        entries: Sequence[Entry],
        stopwords: Iterable[str] = (),
        threshold: float = DEFAULT_THRESHOLD,
        tentative: float = DEFAULT_TENTATIVE,
    ):
        self.entries = list(entries)
        self.threshold, self.tentative = threshold, tentative
        docs = [entry_document(e) for e in self.entries]
        self._words = TfidfVectorizer(analyzer=WordAnalyzer(stopwords), sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform(docs)
        self._char_matrix = self._chars.fit_transform(docs)
        self._stop = set(stopwords)
        self._family = _families(self.entries)

    def rank(self, question: str, topic: Optional[str] = None, entity_ids: Iterable[str] = ()) -> List[Hit]:
        """All non-overview entries, best first."""
        entity_ids = list(entity_ids)
        query = fold(question)
        if STRIP_NAMES:
            query = self._without_names(query, entity_ids)
        content = " ".join(w for w in query.split() if w not in self._stop)
        word_scores = linear_kernel(self._words.transform([query]), self._word_matrix)[0]
        char_scores = linear_kernel(self._chars.transform([content]), self._char_matrix)[0]
        boosts = self._boosts(entity_ids)
        hits = []
        for i, entry in enumerate(self.entries):
            if entry.type == "overview":
                continue
            score = WORD_WEIGHT * word_scores[i] + CHAR_WEIGHT * char_scores[i]
            score += boosts.get(entry.id, 0.0)
            score += TOPIC_BOOST if topic and entry.topic == topic else 0.0
            hits.append(Hit(entry, float(score)))
        return sorted(hits, key=lambda h: h.score, reverse=True)

    def _without_names(self, query: str, entity_ids: Iterable[str]) -> str:
        """The question without the names of named measures, clusters and permits (their boost counts them)."""
        by_id = {e.id: e for e in self.entries}
        names = [n for i in set(entity_ids) if i in by_id and by_id[i].type in NAMED_TYPES for n in by_id[i].names()]
        padded = f" {query} "
        for name in sorted((fold(n) for n in names), key=len, reverse=True):
            if name:
                padded = padded.replace(f" {name} ", " ")
        return " ".join(padded.split())

    def _boosts(self, entity_ids: Iterable[str]) -> Dict[str, float]:
        """Entity boost per entry id: the named entry itself, and (a little less) the entries about it.

        Boosts add up, so an entry about two things the question names ("spearhead cluster versus IBN",
        "which cluster pacts did Catalisti and VIL sign") beats the entry of either one.
        """
        boosts: Dict[str, float] = {}
        by_id = {e.id: e for e in self.entries}
        for named in set(entity_ids):
            entry = by_id.get(named)
            if entry is None:
                continue
            boost = ENTITY_BOOST if entry.type in NAMED_TYPES else TERM_BOOST
            boosts[named] = boosts.get(named, 0.0) + boost
            for member in self._family.get(named, ()):
                boosts[member] = boosts.get(member, 0.0) + FAMILY_SHARE * boost
        return boosts

    def best(self, question: str, topic: Optional[str] = None, entity_ids: Iterable[str] = ()) -> Optional[Hit]:
        """The best entry, marked confident or not; None when even the best is too weak to offer."""
        hits = self.rank(question, topic, entity_ids)
        if not hits or hits[0].score < self.tentative:
            return None
        return Hit(hits[0].entry, hits[0].score, confident=hits[0].score >= self.threshold)
