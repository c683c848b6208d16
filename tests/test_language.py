"""Language detection keeps short or ambiguous messages from flipping the conversation's language."""

from __future__ import annotations

import pytest

from actions.language import detect, normalise


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hoe start ik als zelfstandige in bijberoep", "nl"),
        ("welke subsidies zijn er voor een kleine zaak", "nl"),
        ("how do I register my company in Flanders", "en"),
        ("I need a vergunning for my frituur in Gent", "en"),
        ("ok", None),
        ("merci", None),
        ("kmo-portefeuille", None),
        ("/greet", None),
        ("", None),
        # the identifier is unsure (it says German); the function words are Dutch
        ("op welke markten focust flux50", "nl"),
        # mixed function words, or another language: the current language is kept
        ("how does de Blauwe Cluster work", None),
        ("Wie kann ich eine GmbH gründen", None),
    ],
)
def test_detect(text, expected):
    assert detect(text) == expected


@pytest.mark.parametrize("code, expected", [("nl-BE", "nl"), ("NL", "nl"), ("en-GB", "en"), ("fr", None), (None, None)])
def test_normalise(code, expected):
    assert normalise(code) == expected
