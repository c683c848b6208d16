"""A question is never a goodbye, a thank-you, a yes, a no or feedback, whatever the statistical classifier guessed.

"How long does it take?" after an answer was once classed as `goodbye` and answered "Goodbye, and good luck
with your business!". Dialogue acts are short fixed phrases; a message that opens with a question word and
ends with a question mark asks something. Such a message classed as one of these acts is marked
`nlu_fallback` instead, so the assistant reads it as a follow-up on its previous answer, answers it from
knowledge when it can, or asks to rephrase. Runs after DIET and before the FallbackClassifier.

Feedback on an answer ("that's not what I asked", "daar heb ik iets aan") is a statement, and the classifier
also hears it in short follow-ups that share its words ("en hoeveel kan ik daarmee krijgen", no question
mark): for the feedback intents any message that asks something (`asks_something`) is marked `nlu_fallback`.
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
# the intents that are statements about the previous answer (actions/feedback.py)
FEEDBACK_INTENTS = ("feedback_helpful", "feedback_not_helpful")
# words that continue a conversation before a question ("and how long ...", "en wat kost dat")
CONTINUATIONS = {"and", "but", "so", "ok", "okay", "en", "maar", "dus", "oke", "oké"}
# "what a great answer!", "wat een goed antwoord": an exclamation, not a question
EXCLAMATIONS = {"a", "an", "een"}


def is_question(text: str) -> bool:
    """Opens with a question word, ends with a question mark, and has a few words."""
    words = text.strip().lower().split()
    return len(words) >= MIN_WORDS and words[0].strip(",.!") in QUESTION_WORDS and text.strip().endswith("?")


def asks_something(text: str) -> bool:
    """Ends with a question mark, or opens with a question word (after an "and"/"en"), even a short one."""
    if text.strip().endswith("?"):
        return True
    words = [w.strip(",.!;:") for w in text.strip().lower().split()]
    if words and words[0] in CONTINUATIONS:
        words = words[1:]
    return len(words) >= 2 and words[0] in QUESTION_WORDS and words[1] not in EXCLAMATIONS


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionGuard(RuleIntentClassifier):
    """Re-labels questions that were classed as a dialogue act."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: the dialogue acts a question cannot be, and the intent it gets instead."""
        return {"acts": ["goodbye", "thank", "affirm", "deny"], "intent": "nlu_fallback"}

    def label(self, message: Message) -> Optional[str]:
        """`intent` for a question classed as one of `acts`, else None."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT) or ""
        if intent in self.config["acts"] and is_question(text):
            return str(self.config["intent"])
        if intent in FEEDBACK_INTENTS and asks_something(text) and not text.startswith("/"):
            return str(self.config["intent"])
        return None
