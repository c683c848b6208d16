"""Messages without words are recognised as such; real words, however short or Dutch, are not."""

from __future__ import annotations

import pytest

from assistant_components.nonsense_classifier import is_degenerate, is_laughter, is_nonsense


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😂😂😂", "👍", "?!?", "...", "123456", "zxcvbnm", "qwrtpl jfkdlsjf", "🤷\u200d♂️"]
    + ["asdfgh", "sdlkfj gkhda", "qsdmlkf"],
)
def test_nonsense(text):
    assert is_nonsense(text)


@pytest.mark.parametrize(
    "text",
    ["ok", "hi", "btw", "kbo", "angstschreeuw", "kmo-p", "/greet", "why", "VAT 21%", "ja 👍"]
    + ["glass halls for a flash sale", "shall", "dag", "hallo"],
)
def test_not_nonsense(text):
    assert not is_nonsense(text)


@pytest.mark.parametrize(
    "text", ["a" * 5000, "kkkkkk", "12345 678", "https://www.example.com/page?x=1", "www.vlaio.be"]
)
def test_degenerate(text):
    assert is_degenerate(text)


@pytest.mark.parametrize("text", ["ok", "zzz", "aaa bbb", "VAT 21%", "/greet", "how do I start", "kmo 2024"])
def test_not_degenerate(text):
    assert not is_degenerate(text)


@pytest.mark.parametrize("text", ["lol", "LOL!", "hahaha", "haha lol", "xD", "hihi", "lmao"])
def test_laughter(text):
    assert is_laughter(text)


@pytest.mark.parametrize("text", ["hi", "hallo", "hola", "ha", "loan", "haha, how do I register?", "/greet"])
def test_not_laughter(text):
    assert not is_laughter(text)
