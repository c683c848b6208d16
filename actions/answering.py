"""Answers questions on the five topics (and the agency itself) from the knowledge base."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .knowledge.base import KnowledgeBase, knowledge_base
from .replies import TOPIC_OF_INTENT, send_answer


def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, topic: Optional[str]
) -> Optional[str]:
    """Send the best entry for the latest message, or the topic overview when nothing specific fits.

    Returns the topic answered, so callers can remember it.
    """
    message = tracker.latest_message or {}
    entities: List[Dict[str, Any]] = message.get("entities") or []
    text = message.get("text") or ""
    if text.startswith("/"):
        text = ""  # a button: only its entities (entry_id) and intent count
    hit = kb.find(text, topic, entities) if (text or entities) else None
    if hit:
        send_answer(dispatcher, tracker, hit.entry, kb.entries, "sure" if hit.confident else "closest")
        return hit.entry.topic
    overview = kb.overview(topic or "agency")
    if overview is None:
        return None
    asked_something = bool(text.strip()) and len(text.split()) > 3
    send_answer(dispatcher, tracker, overview, kb.entries, "overview" if asked_something else "sure")
    return overview.topic


DETAILED_WORDS = 12


def answer_if_detailed(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, followup: bool = True
) -> Optional[str]:
    """For a long, detailed message: answer it when an entry surely fits, else do nothing.

    Used where the intent alone would lead elsewhere (a guidance request, a message not understood), so
    that a specific question still gets its specific answer.
    """
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if len(text.split()) < DETAILED_WORDS or text.startswith("/"):
        return None
    hit = kb.find(text, None, message.get("entities") or [])
    if not (hit and hit.confident):
        return None
    send_answer(dispatcher, tracker, hit.entry, kb.entries, followup=followup)
    return hit.entry.topic


class ActionAnswerQuestion(Action):
    """Finds the entry that answers the user's question and replies with it and its source."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic = TOPIC_OF_INTENT.get(intent)
        answered = answer_question(dispatcher, tracker, knowledge_base(), topic)
        return [SlotSet("last_topic", answered)] if answered else []


class ActionConfidentialIntro(Action):
    """Acknowledges a sensitive situation before the advisor offer; answers a factual question in it first.

    "Do I have to pay my social contributions every month?" can sound like distress to the classifier: the
    user then still gets the fact, and the confidential advisor remains on offer.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_confidential_intro"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        answered = answer_if_detailed(dispatcher, tracker, knowledge_base(), followup=False)
        dispatcher.utter_message(response="utter_confidential_intro")
        return [SlotSet("last_topic", answered)] if answered else []

