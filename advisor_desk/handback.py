"""The message that tells the entrepreneur the bot is back, in the case's language.

Like every fixed sentence the bot sends, it is a response in the Rasa domain (`utter_handback` in
domain.yml, an English and a Dutch variant); the desk reads it from there and posts it into the chat.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"
RESPONSE = "utter_handback"
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def _handback_texts() -> Dict[str, str]:
    """The response's text per language: conditioned variants by their `language` value, the rest as English."""
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        variants = yaml.safe_load(handle)["responses"][RESPONSE]
    texts: Dict[str, str] = {}
    for variant in variants:
        languages = [c["value"] for c in variant.get("condition") or [] if c.get("name") == "language"]
        texts[languages[0] if languages else DEFAULT_LANGUAGE] = " ".join(str(variant["text"]).split())
    return texts


def handback_message(language: Optional[str]) -> str:
    """Hand-back text for `language`, falling back to English for an unknown language.

    Args:
        language: The case's language ("en" or "nl"), or None.

    Returns:
        The text of the matching `utter_handback` variant in domain.yml.
    """
    texts = _handback_texts()
    return texts.get(language or DEFAULT_LANGUAGE, texts[DEFAULT_LANGUAGE])
