"""Validation of the guided-advice forms: understand each answer, or answer a side question and re-ask.

Every form slot is filled from the user's text (domain.yml, `from_text`); here the text is mapped to an
option id. An answer always wins, whatever intent the classifier saw in it ("we've been running for 8
years" can look like distress to it). Otherwise: a question on one of the topics is answered (the user
interrupted), feedback on such an answer is recorded and acknowledged (actions/feedback.py), a message that
sounds confidential gets the advisor offered, anything else is asked to pick an option; and the form repeats
its question.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from ..answering import answer_question
from ..confidence import INTERRUPTION_CONFIDENCE
from ..feedback import FEEDBACK_INTENTS, record_feedback
from ..knowledge.base import knowledge_base
from ..replies import TOPIC_OF_INTENT
from .options import option_parser

Validator = Callable[[Any, CollectingDispatcher, Tracker, DomainDict], Dict[Text, Any]]


def interrupting_topic(tracker: Tracker) -> Optional[str]:
    """The topic of a question asked instead of an answer ('what is the kmo-portefeuille?'), if any."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    if intent.get("confidence", 0) >= INTERRUPTION_CONFIDENCE:
        return TOPIC_OF_INTENT.get(intent.get("name"))
    return None


class OptionSlotValidation:
    """Mixin validating every slot of a form with the option parser.

    A mixin, not an Action subclass, so rasa-sdk does not try to register it as an action of its own.
    """

    def __getattr__(self, attribute: str) -> Validator:
        """`validate_<slot>` for every slot: rasa-sdk looks these methods up by name."""
        if attribute.startswith("validate_"):
            slot = attribute[len("validate_") :]
            if slot in option_parser().slots:
                return lambda value, dispatcher, tracker, domain: self.validate_option(slot, value, dispatcher, tracker)
        raise AttributeError(attribute)

    def validate_option(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        """The option id, or None (the form asks again) after answering or explaining."""
        text = str(value or "")
        # a button's payload ("/feedback_helpful{"entry_id": "food_..."}") is never an option, whatever it names
        option = None if text.startswith("/") else option_parser().parse(slot, text)
        if option:
            return {slot: option}
        intent = (tracker.latest_message or {}).get("intent") or {}
        if intent.get("name") == "request_guidance":
            return {slot: None}  # the message that started the form is not an answer: just ask
        confident = intent.get("confidence", 0) >= INTERRUPTION_CONFIDENCE
        if intent.get("name") in FEEDBACK_INTENTS and confident:
            return {slot: None, **record_feedback(dispatcher, tracker)}  # on an answer given during the form
        topic = interrupting_topic(tracker)
        if intent.get("name") == "confidential" and confident:
            dispatcher.utter_message(response="utter_confidential_offer")
        elif topic:
            remembered = answer_question(dispatcher, tracker, knowledge_base(), topic)
            dispatcher.utter_message(response="utter_back_to_questions")
            return {slot: None, **{e["name"]: e["value"] for e in remembered if e.get("event") == "slot"}}
        else:
            dispatcher.utter_message(response="utter_invalid_option")
        return {slot: None}


class ValidateFinancingForm(OptionSlotValidation, FormValidationAction):
    """Checks the answers of the financing finder."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "validate_financing_form"


class ValidateClusterForm(OptionSlotValidation, FormValidationAction):
    """Checks the answers of the cluster finder."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "validate_cluster_form"


class ValidatePermitForm(OptionSlotValidation, FormValidationAction):
    """Checks the answers of the permit check."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "validate_permit_form"


class ValidateStartupForm(OptionSlotValidation, FormValidationAction):
    """Checks the answers of the start-up checklist."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "validate_startup_form"
