"""Finds the entry that answers a question: entities first, then text similarity over the entries.

Two TF-IDF views of every entry are compared with the question: words (names and keywords weigh more than
the answer text) and character n-grams (robust to typos and Dutch compounds such as "kmo-portefeuille" vs
"kmo portefeuille"). A named measure, cluster or permit found by the entity ruler adds a strong boost, a
general term ("omgevingsloket", "locusfocus") only a small one, and entries about a named thing share its
boost; the topic the intent points to breaks ties. Who is asking (a legal form such as "eenmanszaak", a
company size) counts for less than what they ask. Above `threshold` an entry answers the question; between
`tentative` and `threshold` it is offered as the closest information, with that caveat; below, the caller
falls back to the topic overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from ..text import contains_phrase, fold, mentions
from .answer_kinds import AnswerKind, asked_kinds
from .entry import LANGUAGES, Entry
from .situation import asker_sizes

WORD_WEIGHT, CHAR_WEIGHT = 0.6, 0.4
ENTITY_BOOST, TERM_BOOST, TOPIC_BOOST = 0.35, 0.08, 0.04
NAMED_TYPES = {"measure", "permit", "cluster"}
DEFAULT_THRESHOLD, DEFAULT_TENTATIVE = 0.24, 0.10
# An entry for other company sizes than the asker's ("8 staff" vs a measure for large companies) drops this
# much: enough to let the measure that fits win, not so much that it vanishes when nothing else fits.
SIZE_PENALTY = 0.12
# A cluster question that names the asker's field ("a food producer looking for a cluster") lifts the clusters of
# that field (`eligibility.domains`, words from knowledge/guidance/options.yml `cluster_domain`) by this much:
# the field decides which cluster fits, where the general entries on clusters only share the word "cluster".
DOMAIN_BOOST = 0.08
DOMAIN_TOPIC = "clusters"
# A name found in a question about another topic counts for less: "a warehouse for my logistics company"
# (a location question) names the logistics cluster's field, but does not ask about the cluster.
OFF_TOPIC_SHARE = 0.5
# Calibration (tests/test_retrieval_quality.py measures it on questions that have an answer and on questions
# whose answer is not in the knowledge): a score of SURE_SCORE is confident on its own, a score between the
# threshold and SURE_SCORE only when it beats the best unrelated entry by MARGIN.
SURE_SCORE, MARGIN = 0.55, 0.08
# Not sure between two entries: the second is shown too when it scores at least this share of the first.
ALTERNATIVE_SHARE = 0.75
# Sure of the subject but not of the aspect: when an entry about the same thing (a measure and one of its
# aspects) scores within this of the confident answer, it is shown after it. A question on when the
# kmo-groeisubsidie may be asked again scored 0.403 for how to apply and 0.398 for the measure, whose answer says
# when (after 36 months). On the 395 retrieval questions 9 confident answers had such a sibling within 0.02, and
# for 3 of them the sibling was the right entry.
SIBLING_TIE = 0.02
# Not sure at all: the next entries that scored at least this share of the first are offered as buttons
# ("other information that may answer your question"), at most MAX_CANDIDATES of them, so that a person whose
# answer was ranked second or third reaches it in one click instead of rephrasing.
CANDIDATE_SHARE, MAX_CANDIDATES = 0.6, 3
# A question that asks for an amount, a date or a duration (knowledge/retrieval/answer_kinds.yml) lifts the
# entries whose answer states one by this much: a tie-breaker between entries on the same subject, far below
# a named entity's boost, so it never replaces the subject of the question.
ANSWER_KIND_BOOST = 0.04
# ... and a name the question gives whose entry states no such thing keeps only this share of its boost: in
# "how much does it cost to join a cluster like Catalisti?" Catalisti is an example, the cost is the subject.
UNSTATED_KIND_SHARE = 0.5
# A topic overview competes with the other entries, this much lower: it states a few things no other entry
# does (when the cluster policy was approved, what it aims at) and was reachable only as the fallback of its
# topic; the penalty keeps it behind any entry that matches the question about as well.
OVERVIEW_PENALTY = 0.1
# ... except for a question about the subject as a whole: "what is VLAIO?", "wat doet VLAIO?" has no content word
# beyond the overview's own names and keywords, and was answered with the closest entry that mentions the agency
# (its partner network), said as "the closest information". Such a question, at most two content words long,
# names the overview: it gets the boost of a named thing instead of the penalty. A longer one ("heb ik een vergunning
# nodig voor lichtreclame aan mijn winkel", every word among the permits overview's keywords) asks something specific.
WHOLE_SUBJECT_BOOST, WHOLE_SUBJECT_WORDS = ENTITY_BOOST, 2

# Keywords are what users type for that entry, answers are long and mention neighbouring subjects in
# passing; with sublinear tf a repeat only adds log weight, so keywords are repeated three times.
NAME_REPEAT, KEYWORD_REPEAT, TITLE_REPEAT = 2, 3, 1
# Questions staff confirmed for an entry (knowledge/retrieval/reviewed_questions.yml, written by the staff
# merge) add their content words as often as the keywords: they are what users really type for that entry. At
# the title's weight (once) a reviewed question still only reached "the closest information" (0.15 < 0.24).
QUESTION_REPEAT = KEYWORD_REPEAT
# Entries whose title or keywords name a measure or cluster ("Kmo-portefeuille: apply within 14 days")
# answer one aspect of it. Naming the measure boosts them too, a little less than the measure itself, and
# the name is then left out of the text comparison, so the rest of the question ("too late", "registered
# trainer") decides between the measure and its aspects; before, the measure's own boost and its name in
# its own text always won and the aspect entries could not be reached by name.
FAMILY_SHARE = 0.9
# Words the entity ruler marks as describing the asker (legal form, company size) count for less: in "how
# much does it cost to register my eenmanszaak" the cost is asked, not the eenmanszaak (whose rarer word
# outweighed "cost" and gave the liability or company-formation entry), but in "is my eenmanszaak liable"
# or "eenmanszaak or BV, what comes first" the legal form still helps. The similarity is blended from the
# whole question (30%) and the question without those words (70%).
CONTEXT_LABELS = {"legal_form", "company_size"}
CONTEXT_SHARE = 0.7


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
    """Folded words without stop words, stemmed, as unigrams and bigrams (picklable for sklearn).

    Single letters left over from folding ("zo'n" -> "zo n", "it's" -> "it s") carry no meaning; digits do.
    """

    def __init__(self, stopwords: Iterable[str]) -> None:
        self.stopwords = set(stopwords)

    def words(self, text: str) -> List[str]:
        """Stemmed words without stopwords, in order."""
        return [stem(w) for w in fold(text).split() if w not in self.stopwords and (len(w) > 1 or w.isdigit())]

    def __call__(self, text: str) -> List[str]:
        """Stemmed words without stopwords, plus the pairs of neighbouring words."""
        words = self.words(text)
        return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class Hit:
    """An entry and how well it matches the question."""

    entry: Entry
    score: float
    confident: bool = True
    # the runner-up, if it is nearly as close (the user sees both, said as such): when not confident, any
    # entry; when confident, an entry about the same thing within SIBLING_TIE
    alternative: Optional[Entry] = None
    # when not confident: the next entries that may answer it (offered as buttons)
    candidates: Tuple[Entry, ...] = ()


def load_stopwords(path: Path) -> List[str]:
    """English and Dutch stop words from the data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sorted({fold(str(w)) for lang in LANGUAGES for w in data.get(lang, [])})


def load_domain_words(path: Path) -> Dict[str, List[str]]:
    """Folded words per cluster domain (the cluster form's `cluster_domain` options; "other" left out)."""
    options = (yaml.safe_load(path.read_text(encoding="utf-8")).get("slots") or {}).get("cluster_domain") or {}
    return {
        domain: sorted({fold(str(w)) for lang in LANGUAGES for w in spec.get(lang, [])})
        for domain, spec in options.items()
        if domain != "other"
    }


def asker_domains(folded_question: str, domain_words: Dict[str, List[str]]) -> Set[str]:
    """The cluster domains a folded question names (whole words; long words also inside compounds)."""
    return {d for d, words in domain_words.items() if any(mentions(folded_question, w) for w in words)}


def _joined(entry: Entry, part: str) -> str:
    """Names ("synonyms"), keywords, titles or answers of an entry in all languages, as one string."""
    values = getattr(entry, part)
    if part in ("title", "answer"):
        return " ".join(values.get(lang, "") for lang in LANGUAGES)
    return " ".join(v for lang in LANGUAGES for v in values.get(lang, []))


def load_reviewed_questions(path: Path) -> Dict[str, List[str]]:
    """Reviewed example questions by entry id, all languages together (none when the file does not exist)."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        str(entry_id): [str(q) for lang in LANGUAGES for q in (by_lang or {}).get(lang) or []]
        for entry_id, by_lang in data.items()
    }


def entry_document(entry: Entry, questions: Sequence[str] = (), stopwords: Iterable[str] = ()) -> str:
    """The text an entry is found by: names and keywords repeated, titles, reviewed questions, answers.

    Of the reviewed questions only the content words count (stop words are left out), so "how do I ..." in
    many questions does not pull every question towards the entries that have some.
    """
    names, keywords = _joined(entry, "synonyms"), _joined(entry, "keywords")
    parts = [names] * NAME_REPEAT + [keywords] * KEYWORD_REPEAT + [_joined(entry, "title")] * TITLE_REPEAT
    stop = set(stopwords)
    content = " ".join(w for q in questions for w in fold(q).split() if w not in stop)
    parts += [content] * QUESTION_REPEAT if content else []
    return fold(" ".join(parts + [_joined(entry, "answer")]))


def families(entries: Sequence[Entry]) -> Dict[str, List[str]]:
    """For every entry with names, the other entries whose title or keywords mention one of those names."""
    about = {e.id: fold(_joined(e, "title") + " " + _joined(e, "keywords")) for e in entries}
    found: Dict[str, List[str]] = {}
    for entry in entries:
        names = entry.names()
        members = [
            other.id
            for other in entries
            if other.id != entry.id and any(contains_phrase(about[other.id], name) for name in names)
        ]
        if members:
            found[entry.id] = members
    return found


def _without(query: str, phrases: Iterable[str]) -> str:
    """The folded query with the given phrases (whole words, longest first) taken out."""
    padded = f" {query} "
    for phrase in sorted({fold(p) for p in phrases}, key=len, reverse=True):
        if phrase:
            while f" {phrase} " in padded:
                padded = padded.replace(f" {phrase} ", " ")
    return " ".join(padded.split())


def _dot(query: Any, columns: Any) -> np.ndarray:
    """Similarity of one TF-IDF row to every entry (the entries' vectors as columns)."""
    return np.asarray((query @ columns).todense()).ravel()


class Retriever:
    """Ranks entries for a question."""

    def __init__(
        self,
        entries: Sequence[Entry],
        stopwords: Iterable[str] = (),
        threshold: float = DEFAULT_THRESHOLD,
        tentative: float = DEFAULT_TENTATIVE,
        questions: Optional[Dict[str, List[str]]] = None,
        domain_words: Optional[Dict[str, List[str]]] = None,
        answer_kinds: Sequence[AnswerKind] = (),
    ):
        self.entries = list(entries)
        self._answer_kinds = list(answer_kinds)
        self._gives = {e.id: frozenset(k.name for k in self._answer_kinds if k.given_by(e)) for e in self.entries}
        self._domain_words = domain_words or {}
        self.threshold, self.tentative = threshold, tentative
        self._stop = set(stopwords)
        self._by_id = {e.id: e for e in self.entries}
        self._family = families(self.entries)
        # the other way round: for each entry, the named entries it is an aspect of
        self._aspect_of: Dict[str, Set[str]] = {}
        for named, members in self._family.items():
            for member in members:
                self._aspect_of.setdefault(member, set()).add(named)
        self._analyzer = WordAnalyzer(self._stop)
        self._words = TfidfVectorizer(analyzer=self._analyzer, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        questions = questions or {}
        documents = [entry_document(e, questions.get(e.id, ()), self._stop) for e in self.entries]
        # transposed once, in row form: sklearn's linear_kernel converted the transpose on every question,
        # more than half of a lookup's time
        self._word_columns = self._words.fit_transform(documents).T.tocsr()
        self._char_columns = self._chars.fit_transform(documents).T.tocsr()
        # an overview's own words (names and keywords, as the analyzer reads them), for whole-subject questions
        self._overview_words = {
            e.id: set(self._analyzer.words(_joined(e, "synonyms") + " " + _joined(e, "keywords")))
            for e in self.entries
            if e.type == "overview"
        }

    def rank(
        self,
        question: str,
        topic: Optional[str] = None,
        entity_ids: Iterable[str] = (),
        context: Iterable[str] = (),
        extra: Optional[Dict[str, float]] = None,
    ) -> List[Hit]:
        """All entries, best first (topic overviews after entries that match about as well).

        `entity_ids`: entries the entity ruler found named in the question; `context`: phrases it marked as
        describing the asker (legal form, company size), which count for less (see CONTEXT_SHARE); `extra`:
        boosts by entry id from the conversation (the previous answer, for a follow-up question).
        """
        entity_ids = list(entity_ids)
        named = [
            n
            for i in entity_ids
            if self._by_id.get(i) and self._by_id[i].type in NAMED_TYPES
            for n in self._by_id[i].names()
        ]
        query = _without(fold(question), named)
        similarity = self._similarity(query)
        context = list(context)
        if context:
            similarity = (1 - CONTEXT_SHARE) * similarity + CONTEXT_SHARE * self._similarity(_without(query, context))
        asked = asked_kinds(question, self._answer_kinds)
        boosts = self._boosts(entity_ids, topic, asked)
        for entry_id, boost in (extra or {}).items():
            boosts[entry_id] = boosts.get(entry_id, 0.0) + boost
        sizes = asker_sizes(question)
        domains = asker_domains(fold(question), self._domain_words) if topic == DOMAIN_TOPIC else set()
        whole = self._whole_subject(question)
        hits = []
        for i, entry in enumerate(self.entries):
            score = similarity[i] + boosts.get(entry.id, 0.0)
            if entry.type == "overview":
                score += WHOLE_SUBJECT_BOOST if entry.id in whole else -OVERVIEW_PENALTY
            score += TOPIC_BOOST if topic and entry.topic == topic else 0.0
            eligible = entry.eligibility.get("organisation_types")
            if sizes and eligible and not sizes & set(eligible):
                score -= SIZE_PENALTY
            if domains & set(entry.eligibility.get("domains", ())):
                score += DOMAIN_BOOST
            if asked & self._gives[entry.id]:
                score += ANSWER_KIND_BOOST
            hits.append(Hit(entry, float(score)))
        return sorted(hits, key=lambda h: h.score, reverse=True)

    def _whole_subject(self, question: str) -> Set[str]:
        """The overviews a short question asks about as a whole: its every word (names included) is one of theirs."""
        asked = set(self._analyzer.words(question))
        if not 0 < len(asked) <= WHOLE_SUBJECT_WORDS:
            return set()
        return {overview for overview, words in self._overview_words.items() if asked <= words}

    def _similarity(self, query: str) -> np.ndarray:
        """Text similarity of a folded query to every entry (word and character views)."""
        words = _dot(self._words.transform([query]), self._word_columns)
        # character n-grams of stop words only add noise: a question of only stop words matches nothing
        content = " ".join(w for w in query.split() if w not in self._stop)
        chars = _dot(self._chars.transform([content]), self._char_columns)
        return WORD_WEIGHT * words + CHAR_WEIGHT * chars

    def family(self, entry_id: str) -> List[str]:
        """Entries whose title or keywords name `entry_id`'s names (its aspects)."""
        return list(self._family.get(entry_id, ()))

    def _boosts(
        self, entity_ids: Iterable[str], topic: Optional[str] = None, asked: FrozenSet[str] = frozenset()
    ) -> Dict[str, float]:
        """Entity boost per entry id: the named entry itself, and (a little less) the entries about it.

        Boosts add up, so an entry about two things the question names ("spearhead cluster versus IBN",
        "which cluster pacts did Catalisti and VIL sign") beats the entry of either one. A named thing whose
        entry does not state the kind of answer asked (`asked`: an amount, a date...) is context, not the
        subject: it and the entries about it get UNSTATED_KIND_SHARE of the boost.
        """
        boosts: Dict[str, float] = {}
        for named in set(entity_ids):
            entry = self._by_id.get(named)
            if entry is None:
                continue
            boost = ENTITY_BOOST if entry.type in NAMED_TYPES else TERM_BOOST
            if topic and entry.topic != topic:
                boost *= OFF_TOPIC_SHARE
            if asked and not asked & self._gives[named]:
                boost *= UNSTATED_KIND_SHARE
            boosts[named] = boosts.get(named, 0.0) + boost
            for member in self._family.get(named, ()):
                boosts[member] = boosts.get(member, 0.0) + FAMILY_SHARE * boost
        return boosts

    def best(
        self,
        question: str,
        topic: Optional[str] = None,
        entity_ids: Iterable[str] = (),
        context: Iterable[str] = (),
        extra: Optional[Dict[str, float]] = None,
        may_be_sure: bool = True,
    ) -> Optional[Hit]:
        """The best entry, marked confident or not; None when even the best is too weak to offer.

        `may_be_sure` False: never confident (the caller knows the question itself was not understood surely).
        """
        hits = self.rank(question, topic, entity_ids, context, extra)
        if not hits or hits[0].score < self.tentative:
            return None
        top = hits[0]
        if may_be_sure and self.is_confident(top, hits[1:]):
            sibling = None
            if len(hits) > 1 and top.score - hits[1].score < SIBLING_TIE and hits[1].entry.id in self._near(top.entry):
                sibling = hits[1].entry
            return Hit(top.entry, top.score, alternative=sibling)
        floor = max(self.tentative, ALTERNATIVE_SHARE * top.score)
        alternative = hits[1].entry if len(hits) > 1 and hits[1].score >= floor else None
        shown = 2 if alternative is not None else 1
        candidate_floor = max(self.tentative, CANDIDATE_SHARE * top.score)
        candidates = tuple(h.entry for h in hits[shown : shown + MAX_CANDIDATES] if h.score >= candidate_floor)
        return Hit(top.entry, top.score, confident=False, alternative=alternative, candidates=candidates)

    def is_confident(self, top: Hit, others: Sequence[Hit]) -> bool:
        """Sure enough to answer without a caveat: a high score, or a good one clearly ahead of unrelated entries.

        Two unrelated entries scoring alike mean the question is not understood well enough to choose; a
        close entry *about the same thing* (a measure and one of its aspects) does not count.
        """
        if top.score >= SURE_SCORE:
            return True
        if top.score < self.threshold:
            return False
        near = self._near(top.entry)
        rival = next((h.score for h in others if h.entry.id not in near), 0.0)
        return top.score - rival >= MARGIN

    def _near(self, entry: Entry) -> Set[str]:
        """Entries about the same thing: related ones, its aspects, and the measures it is an aspect of."""
        return set(entry.related) | set(self._family.get(entry.id, ())) | self._aspect_of.get(entry.id, set())
