"""Which language to answer in: English or Dutch.

py3langid (its model ships inside the package; nothing is downloaded) restricted to English, Dutch, French
and German. Short or ambiguous messages keep the current language: "ok", "merci", "kmo-portefeuille" or a
button payload say nothing about the language a person writes in. See scripts/compare_language_id.py for the
comparison with lingua that led to this choice.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from .text import fold

SUPPORTED = ("en", "nl")
DEFAULT_LANGUAGE = "en"
MIN_WORDS = 3
MIN_CONFIDENCE = 0.9


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "nl", "fr", "de"])
    return identifier


def detect(text: str) -> Optional[str]:
    """'en' or 'nl' when the message clearly is that language, else None (keep the current one)."""
    if not text or text.startswith("/"):
        return None
    if len(fold(text).split()) < MIN_WORDS:
        return None
    language, confidence = _identifier().classify(text)
    if language in SUPPORTED and confidence >= MIN_CONFIDENCE:
        return language
    return None


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
