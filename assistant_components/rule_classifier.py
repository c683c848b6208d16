"""The shared shape of the rule-based intent classifiers that run after DIET.

Each rule looks at one message and either gives it an intent with full confidence or leaves DIET's guess alone;
subclasses say which (`label`). Registered with Rasa by the subclasses, not here.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


class RuleIntentClassifier(GraphComponent):
    """Sets the intent a rule gives a message, with full confidence and as the only ranked intent."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Keep the configuration (defaults merged in by Rasa)."""
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RuleIntentClassifier":
        """Create the component (Rasa's graph calls this; nothing to train or load)."""
        return cls(config)

    def label(self, message: Message) -> Optional[str]:
        """The intent the rule gives this message, or None to keep the classifier's."""
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        """Apply the rule to every message."""
        for message in messages:
            intent = self.label(message)
            if intent:
                ranked = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, ranked, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [ranked], add_to_output=True)
        return messages
