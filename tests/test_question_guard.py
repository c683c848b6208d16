"""Questions are recognised as such, so a question is never answered as a goodbye or a thank-you."""

from __future__ import annotations

import pytest

from assistant_components.question_guard import is_question


@pytest.mark.parametrize(
    "text", ["how long does it take?", "hoeveel kost dat dan?", "What about the SME wallet?", "is that free?"]
)
def test_questions(text):
    assert is_question(text)


@pytest.mark.parametrize("text", ["bye!", "thanks a lot", "what a help, thanks!", "yes please", "ok?", "how nice"])
def test_not_questions(text):
    assert not is_question(text)
