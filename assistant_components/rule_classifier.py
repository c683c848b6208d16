"""The shared shape of the rule-based intent classifiers that run after DIET.

Each rule looks at one message and either gives it an intent with full confidence or leaves DIET's guess alone;
subclasses say which (`label`). Registered with Rasa by the subclasses, not here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Protocol, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.paths import ROOT


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


class TextRule(Protocol):
    """A decision on a message's text alone, read from the word lists in a directory."""

    def applies(self, text: str) -> bool:
        """Whether the rule holds for this text."""
        ...


class RelabelGuard(RuleIntentClassifier):
    """Gives `intent` to a typed message the classifiers put under one of `intents` when the text rule holds.

    Config: `cues` (the lists' directory, from the project root), `intents`, `intent`. Subclasses say how the
    rule is read (`read_rule`); a button payload ("/ask_human") keeps the intent it names.
    """

    def __init__(self, config: Dict[Text, Any], rule: Optional[TextRule] = None) -> None:
        """Keep the configuration and the rule (read from `cues` unless given)."""
        super().__init__(config)
        self.rule = rule or self.read_rule(ROOT / str(config["cues"]))

    @classmethod
    def read_rule(cls, directory: Path) -> TextRule:
        """The rule, from the lists in `directory`."""
        raise NotImplementedError

    def label(self, message: Message) -> Optional[str]:
        """`intent` for a message classed as one of `intents` whose text the rule holds for, else None."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT) or ""
        if intent in self.config["intents"] and not text.startswith("/") and self.rule.applies(text):
            return str(self.config["intent"])
        return None
