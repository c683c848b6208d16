"""The asker's company size, read from the question, steers retrieval to measures that fit it."""

from __future__ import annotations

import pytest

from actions.knowledge.situation import LARGE, MEDIUM, SMALL, asker_sizes


@pytest.mark.parametrize(
    "text, sizes",
    [
        ("we're a brewery with 8 staff", {SMALL}),
        ("ons bedrijf heeft 120 werknemers", {MEDIUM}),
        ("a plant of 600 employees", {LARGE}),
        ("as a small business owner", {SMALL}),
        ("voor een kmo in de metaal", {SMALL, MEDIUM}),
        ("we are a multinational", {LARGE}),
        ("how do I register my company", None),
    ],
)
def test_asker_sizes(text, sizes):
    found = asker_sizes(text)
    assert (set(found) if found else None) == sizes
