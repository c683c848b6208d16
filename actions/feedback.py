"""Feedback on a knowledge answer: "helpful" or "not what I asked", by button or in the user's own words.

Staff read it back from the tracker (the inbox marks a turn followed by negative feedback), so it is recorded
as slots: `feedback` ("helpful" or "not_helpful") and `feedback_entry` (the knowledge entry it is about, when
known). Every SlotSet stays in the tracker with its time, so repeated feedback is counted, not overwritten.

A plain "thanks" right after `action_answer_question` counts as helpful too (rule in data/rules.yml): the
user gets the usual "you're welcome" and the tracker gets `feedback: helpful`, because "thanks, that helps"
is how most people say an answer helped and the classifier keeps it under `thank`. A "thanks" anywhere else
(after guided advice, a handoff) is politeness and is not recorded as feedback.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .answering import entities_of
from .replies import ANSWER_RESPONSES

# intent -> the feedback it records
FEEDBACK_OF_INTENT = {"feedback_helpful": "helpful", "feedback_not_helpful": "not_helpful", "thank": "helpful"}
FEEDBACK_INTENTS = {"feedback_helpful", "feedback_not_helpful"}
# intent -> the reply: a "thanks" keeps its usual answer
REPLY_OF_INTENT = {
    "feedback_helpful": "utter_feedback_helpful",
    "feedback_not_helpful": "utter_feedback_not_helpful",
    "thank": "utter_welcome",
}
# every response that carries a knowledge entry (the alternative offered after a hedged answer included)
ANSWER_UTTERANCES = set(ANSWER_RESPONSES.values()) | {"utter_answer_alternative"}


def intent_of(tracker: Tracker) -> Optional[str]:
    """The intent of the latest message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_answered_entry(tracker: Tracker) -> Optional[str]:
    """The entry of the first knowledge answer in the bot's latest turn, or None if that turn had none."""
    answered: Optional[str] = None
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1  # the first is the feedback message itself, the second ends the bot's turn
            if users_seen == 2:
                break
            continue
        metadata = event.get("metadata") or {}
        if users_seen == 1 and event.get("event") == "bot" and metadata.get("utter_action") in ANSWER_UTTERANCES:
            answered = metadata.get("entry_id") or answered
    return answered


def feedback_entry(tracker: Tracker) -> Optional[str]:
    """The entry the feedback is about: the button's entry_id, else the answer just sent, else `last_entry`."""
    for entity in entities_of(tracker):
        if entity.get("entity") == "entry_id" and entity.get("value"):
            return str(entity["value"])
    return latest_answered_entry(tracker) or tracker.get_slot("last_entry")


def record_feedback(dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
    """Reply to the feedback in the latest message; the slot values that record it (empty if it is none)."""
    intent = intent_of(tracker)
    value = FEEDBACK_OF_INTENT.get(intent or "")
    if value is None:
        return {}
    dispatcher.utter_message(response=REPLY_OF_INTENT[intent or ""])
    return {"feedback": value, "feedback_entry": feedback_entry(tracker)}


class ActionRecordFeedback(Action):
    """Records whether the previous answer helped and replies: a short thanks, or sorry with rephrase and advisor."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        return [SlotSet(name, value) for name, value in record_feedback(dispatcher, tracker).items()]
