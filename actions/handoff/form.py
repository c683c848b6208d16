"""Validation of the handoff form: consent first, then name, contact, language and a one-line summary."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from ..guidance.options import option_parser
from ..text import contains_phrase, fold
from .cases import open_case
from .contact import clean_contact, clean_name, clean_summary

YES_INTENTS = {"affirm", "ask_human", "confidential"}
NO_INTENTS = {"deny"}
YES_WORDS = {
    "yes",
    "y",
    "yeah",
    "yep",
    "sure",
    "ok",
    "okay",
    "please",
    "ja",
    "jawel",
    "graag",
    "akkoord",
    "goed",
    "prima",
    "oke",
}
NO_WORDS = {"no", "nope", "not", "nee", "neen", "liever", "niet", "never"}
# Agreement spelled with a negation word: "yes, why not", "ja hoor, waarom niet", "no problem".
YES_PHRASES = ("why not", "waarom niet", "no problem", "geen probleem", "no objection", "geen bezwaar")


def consent_answer(tracker: Tracker, text: str) -> Optional[str]:
    """'yes', 'no', or None when the answer is neither.

    Args:
        tracker: The conversation; the intent of its latest message counts first.
        text: The user's answer.

    Returns:
        "yes" for an affirming intent or an agreeing answer ("ja hoor, waarom niet" included, whatever the
        classifier said), "no" for a denying intent or a refusal, else None.
    """
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    if intent in YES_INTENTS:
        return "yes"
    folded = fold(text)
    agreeing = [phrase for phrase in YES_PHRASES if contains_phrase(folded, phrase)]
    for phrase in agreeing:
        folded = f" {folded} ".replace(f" {phrase} ", " ").strip()
    words = set(folded.split())
    if agreeing and not words & NO_WORDS:
        return "yes"
    if intent in NO_INTENTS or words & NO_WORDS:
        return "no"
    if words & YES_WORDS:
        return "yes"
    return None


class ValidateHandoffForm(FormValidationAction):
    """Checks each answer; asks nothing when the conversation already has an open case."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        """No questions for an existing case (one case per conversation) or after a 'no'."""
        if tracker.get_slot("handoff_consent") == "no":
            return []
        try:
            if open_case(tracker.sender_id):
                return []
        except SQLAlchemyError:  # the case store is down: ask anyway, the finishing action reports it
            pass
        return domain_slots

    def validate_handoff_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Validate the `handoff_consent` answer; a None value makes the form ask again."""
        answer = consent_answer(tracker, str(value or ""))
        if answer is None:
            dispatcher.utter_message(response="utter_invalid_option")
        return {"handoff_consent": answer}

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Validate the `contact_name` answer; a None value makes the form ask again."""
        return {"contact_name": clean_name(str(value or ""))}

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Validate the `contact` answer; a None value makes the form ask again."""
        contact = clean_contact(str(value or ""))
        if contact is None:
            dispatcher.utter_message(response="utter_invalid_contact")
        return {"contact": contact}

    def validate_contact_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Validate the `contact_language` answer; a None value makes the form ask again."""
        language = option_parser().parse("contact_language", str(value or ""))
        if language is None:
            dispatcher.utter_message(response="utter_invalid_option")
        return {"contact_language": language}

    def validate_case_summary(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Validate the `case_summary` answer; a None value makes the form ask again."""
        return {"case_summary": clean_summary(str(value or ""))}
