"""Conversation housekeeping: the reply language, explicit language switches and failed understanding."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .answering import (
    answer_if_specific,
    entities_of,
    followup_hit,
    intent_confidence,
    intent_is_sure,
    reply_with,
    typed_text,
)
from .confidence import FALLBACK_INTENT, OUT_OF_SCOPE_UNSURE, asks_for_person, leading_guess
from .feedback import intent_of
from .knowledge.base import KnowledgeBase, knowledge_base
from .replies import TOPIC_OF_INTENT

FALLBACKS_BEFORE_HANDOFF = 2


class ActionSwitchLanguage(Action):
    """Confirms a language switch (the slot was already set by assistant_components/language_policy.py)."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        dispatcher.utter_message(response="utter_language_switched")
        return []


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood (nlu_fallback)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def escalate_if_sensitive(dispatcher: CollectingDispatcher, kb: KnowledgeBase, text: str) -> Optional[List[EventType]]:
    """The confidential handoff for a message the classifier was unsure of that describes a sensitive situation.

    "Our landlord keeps the deposit and threatens us with a lawyer" is a dispute, not small talk or a
    message to rephrase. None when the text names no sensitive situation.
    """
    if not text or not kb.cues.is_sensitive(text):
        return None
    dispatcher.utter_message(response="utter_confidential_intro")
    dispatcher.utter_message(response="utter_handoff_intro")
    return [SlotSet("sensitive", True), FollowupAction("handoff_form")]


def guessed_topic(parse_data: dict) -> Optional[str]:
    """The topic of the classifier's best guess for a message it was not sure of, if that guess is a topic.

    Unsure is not clueless: "a bakery with 6 staff sending two bakers on a pastry course, any support?" was
    not understood surely, but its best guess (financing, well ahead of the next) still tells the retrieval which
    topic breaks ties. A guess tied with the next (agency 0.33, clusters 0.31 for "how many innovative business
    networks does the agency support?") names no topic: taking it would halve the named network's boost.
    """
    guess = leading_guess(parse_data)
    return TOPIC_OF_INTENT.get(guess) if guess else None


class ActionHandleFallback(Action):
    """Answers a follow-up or a specific question that matches an entry; else asks to rephrase or offers an advisor.

    The entry is looked for in the topic of the classifier's best guess (`guessed_topic`), and shown as the
    closest information at most. The first miss asks to rephrase; the second miss in a row offers an advisor
    (starts the handoff questions), as does a first miss whose best guess was a request for a person, too close
    to its runner-up to be taken.
    A message the classifier could not place, that no entry answers and that describes a sensitive situation
    (a dispute, debts) goes to an advisor at once, as an unsure out-of-scope verdict on it does.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_handle_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        kb = knowledge_base()
        answered = answer_if_specific(dispatcher, tracker, kb, topic=guessed_topic(tracker.latest_message or {}))
        if answered is not None:
            return answered
        escalated = escalate_if_sensitive(dispatcher, kb, typed_text(tracker))
        if escalated is not None:
            return escalated
        person = asks_for_person(tracker.latest_message or {})
        if (person or consecutive_fallbacks(tracker) >= FALLBACKS_BEFORE_HANDOFF) and not tracker.get_slot("case_id"):
            dispatcher.utter_message(response="utter_handoff_intro")
            reason = [] if person else [SlotSet("handoff_reason", "not_understood")]
            return [*reason, FollowupAction("handoff_form")]
        dispatcher.utter_message(response="utter_please_rephrase")
        return []


ABUSE_INTENT = "out_of_scope_abuse"
ABROAD_INTENT = "out_of_scope_abroad"
# Entries on the agency's own topic say where to go (the 1700 line, the tax administration for a personal tax
# return, mediation for a dispute): a sure match on one is shown even when the message is out of scope,
# because pointing to the right office is what the agency would do.
REFERRAL_TOPIC = "agency"


class ActionOutOfScope(Action):
    """Declines politely, with the topics the assistant does know.

    An insult or an outburst of frustration (`out_of_scope_abuse`) gets a calm apology with the topics and
    the offer of an advisor, never an answer. Before declining anything else: a short follow-up on the
    previous answer ("and how long does that take?") is answered in its context, and a message that matches
    an entry surely is answered if it names one of the agency's measures, permits or clusters, if the
    out-of-scope verdict was unsure, or if the entry is one that says where to go. A question about
    another country's company law (`out_of_scope_abroad`, or a country named) gets the reply that says what
    the agency does do for it. An unsure out-of-scope verdict on a message that describes a sensitive situation
    (a dispute, debts) gets the advisor handoff, as a confidential message would.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        intent = intent_of(tracker)
        if intent == ABUSE_INTENT:
            dispatcher.utter_message(response="utter_out_of_scope_abuse")
            return []
        kb = knowledge_base()
        text = typed_text(tracker)
        abroad = intent == ABROAD_INTENT or kb.cues.names_abroad(text)
        unsure = intent_confidence(tracker) < OUT_OF_SCOPE_UNSURE
        if unsure and not abroad:
            escalated = escalate_if_sensitive(dispatcher, kb, text)
            if escalated is not None:
                return escalated
        hit = followup_hit(tracker, kb)
        entities = entities_of(tracker)
        if hit is None and not abroad and text:
            found = kb.find(text, None, entities)
            if found and found.confident:
                referral = found.entry.topic == REFERRAL_TOPIC
                if kb.names_an_entry(entities) or unsure or referral:
                    # a sure entry for a message whose intent was a guess is still only the closest information
                    hit = found if intent_is_sure(tracker) else replace(found, confident=False)
        if hit:
            return reply_with(dispatcher, tracker, kb, hit)
        if abroad:
            dispatcher.utter_message(response="utter_out_of_scope_abroad")
        else:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
