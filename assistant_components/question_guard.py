"""A question is never a goodbye, a thank-you, a yes, a no or feedback, whatever the statistical classifier guessed.

"How long does it take?" after an answer was once classed as `goodbye` and answered "Goodbye, and good luck
with your business!". Dialogue acts are short fixed phrases; a message that opens with a question word and
ends with a question mark asks something. Such a message classed as one of these acts is marked
`nlu_fallback` instead, so the assistant reads it as a follow-up on its previous answer, answers it from
knowledge when it can, or asks to rephrase. Runs after DIET and before the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from .rule_classifier import RuleIntentClassifier

QUESTION_WORDS = {
    "how", "what", "when", "where", "which", "who", "why", "can", "could", "do", "does", "is", "are", "will",
    "hoe", "wat", "wanneer", "waar", "welke", "welk", "wie", "waarom", "hoeveel", "hoelang", "kan", "kun",
    "mag", "moet", "zijn", "geldt",
}  # fmt: skip
MIN_WORDS = 3


def is_question(text: str) -> bool:
    """Opens with a question word, ends with a question mark, and has a few words."""
    words = text.strip().lower().split()
    return len(words) >= MIN_WORDS and words[0].strip(",.!") in QUESTION_WORDS and text.strip().endswith("?")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionGuard(RuleIntentClassifier):
    """Re-labels questions that were classed as a dialogue act."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: the dialogue acts a question cannot be, and the intent it gets instead."""
        acts = ["goodbye", "thank", "affirm", "deny", "feedback_helpful", "feedback_not_helpful"]
        return {"acts": acts, "intent": "nlu_fallback"}

    def label(self, message: Message) -> Optional[str]:
        """`intent` for a question classed as one of `acts`, else None."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent in self.config["acts"] and is_question(message.get(TEXT) or ""):
            return str(self.config["intent"])
        return None
