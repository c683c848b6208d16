"""Which language to answer in: English or Dutch.

py3langid (its model ships inside the package; nothing is downloaded) restricted to English, Dutch, French
and German. Short or ambiguous messages keep the current language: "ok", "merci", "kmo-portefeuille" or a
button payload say nothing about the language a person writes in. See scripts/compare_language_id.py for the
comparison with lingua that led to this choice. When the identifier is unsure (short Dutch questions with
English loanwords: "op welke markten focust flux50" scored German), the message's function words
decide: two or more that only Dutch uses and none that only English uses (or the reverse), from the stop-word
lists in knowledge/retrieval/stopwords.yml.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, FrozenSet, Optional

from .cues import read_list_file
from .paths import KNOWLEDGE_DIR
from .text import fold

SUPPORTED = ("en", "nl")
OTHER = {"en": "nl", "nl": "en"}
DEFAULT_LANGUAGE = "en"
MIN_WORDS = 3
MIN_CONFIDENCE = 0.9
# function words of one language only needed to decide when the identifier is unsure
MIN_FUNCTION_WORDS = 2


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "nl", "fr", "de"])
    return identifier


@lru_cache(maxsize=1)
def _function_words() -> Dict[str, FrozenSet[str]]:
    """Per language, the stop words the other language does not share ("welke", "het" / "which", "the")."""
    data = read_list_file(KNOWLEDGE_DIR / "retrieval" / "stopwords.yml")
    words = {lang: {fold(str(w)) for w in data.get(lang) or []} for lang in SUPPORTED}
    return {lang: frozenset(words[lang] - words[OTHER[lang]]) for lang in SUPPORTED}


def by_function_words(text: str) -> Optional[str]:
    """The language whose own function words the message uses (at least two, and none of the other's)."""
    words = fold(text).split()
    counts = {lang: sum(w in own for w in words) for lang, own in _function_words().items()}
    for lang in SUPPORTED:
        if counts[lang] >= MIN_FUNCTION_WORDS and counts[OTHER[lang]] == 0:
            return lang
    return None


def detect(text: str) -> Optional[str]:
    """'en' or 'nl' when the message clearly is that language, else None (keep the current one)."""
    if not text or text.startswith("/"):
        return None
    if len(fold(text).split()) < MIN_WORDS:
        return None
    language, confidence = _identifier().classify(text)
    if language in SUPPORTED and confidence >= MIN_CONFIDENCE:
        return language
    return by_function_words(text)


def normalise(code: Optional[str]) -> Optional[str]:
    """'nl-BE', 'NL', 'dutch' -> 'nl'; unknown -> None."""
    if not code:
        return None
    code = fold(str(code))
    if code.startswith(("nl", "dutch", "nederlands", "vlaams", "flemish")):
        return "nl"
    if code.startswith(("en", "english", "engels")):
        return "en"
    return None
