"""Messages without words are recognised as such; real words, however short or Dutch, are not."""

from __future__ import annotations

import pytest

from assistant_components.nonsense_classifier import is_nonsense


@pytest.mark.parametrize(
    "text", ["", "   ", "😂😂😂", "👍", "?!?", "...", "123456", "zxcvbnm", "qwrtpl jfkdlsjf", "🤷\u200d♂️"]
)
def test_nonsense(text):
    assert is_nonsense(text)


@pytest.mark.parametrize(
    "text", ["ok", "hi", "btw", "kbo", "angstschreeuw", "kmo-p", "/greet", "why", "VAT 21%", "ja 👍"]
)
def test_not_nonsense(text):
    assert not is_nonsense(text)
