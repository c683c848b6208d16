"""The message that tells the entrepreneur the bot is back, in the case's language.

Texts live in messages.yml so they can be reworded without touching code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def _handback_texts() -> dict[str, str]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        texts = yaml.safe_load(handle)["handback"]
    return {language: " ".join(str(text).split()) for language, text in texts.items()}


def handback_message(language: str | None) -> str:
    """Hand-back text for `language`, falling back to English for an unknown language."""
    texts = _handback_texts()
    return texts.get(language or DEFAULT_LANGUAGE, texts[DEFAULT_LANGUAGE])
