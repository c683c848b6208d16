"""Answers questions on the five topics (and the agency itself) from the knowledge base.

Every path that answers from knowledge comes through here: a topic question, a follow-up on the previous
answer, a detailed message the classifier was unsure about, a guidance request that names a situation, and a
"confidential" message that turns out to be a plain question. The answer is framed by how sure the match is
(retrieval.Retriever.is_confident), and `last_entry`/`last_topic` remember it for follow-ups.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .confidence import INTENT_SURE
from .knowledge.base import KnowledgeBase, knowledge_base
from .knowledge.entry import Entry
from .knowledge.retrieval import Hit
from .replies import TOPIC_OF_INTENT, send_answer

# a message with fewer content words than this is too vague to answer when the classifier was unsure
MIN_CONTENT_WORDS = 3


def intent_confidence(tracker: Tracker) -> float:
    """The classifier's confidence in the latest message's intent (1.0 for a button click)."""
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


def intent_is_sure(tracker: Tracker) -> bool:
    """Whether the classifier was sure of the latest message's intent (a button click always is)."""
    return intent_confidence(tracker) >= INTENT_SURE


def typed_text(tracker: Tracker) -> str:
    """The latest message as typed; empty for a button payload ("/ask_financing{...}")."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def entities_of(tracker: Tracker) -> List[Dict[str, Any]]:
    """The entities Rasa extracted from the latest message (ruler names, a button's entry_id)."""
    return list((tracker.latest_message or {}).get("entities") or [])


def remembered(entry: Entry) -> List[EventType]:
    """Slots that let the next message follow up on this answer."""
    return [SlotSet("last_topic", entry.topic), SlotSet("last_entry", entry.id)]


def followup_hit(tracker: Tracker, kb: KnowledgeBase) -> Optional[Hit]:
    """The answer to a follow-up on the previous answer ("and in Gent?"), or None if this is not one."""
    previous = kb.get(tracker.get_slot("last_entry") or "")
    text = typed_text(tracker)
    entities = entities_of(tracker)
    if not (previous and text and kb.cues.looks_like_followup(text)) or kb.names_an_entry(entities):
        return None
    return kb.find_followup(text, previous, entities)


def find_answer(tracker: Tracker, kb: KnowledgeBase, topic: Optional[str]) -> Optional[Hit]:
    """The entry for the latest message: as a follow-up when it is one, else on its own."""
    hit = followup_hit(tracker, kb)
    if hit:
        return hit
    entities = entities_of(tracker)
    text = typed_text(tracker)
    return kb.find(text, topic, entities, intent_is_sure(tracker)) if (text or entities) else None


def reply_with(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, hit: Hit, followup: bool = True
) -> List[EventType]:
    """Send a hit, with the caveat when the match is not sure; the slots remembering it."""
    certainty = "sure" if hit.confident else "closest"
    send_answer(dispatcher, tracker, hit.entry, kb.entries, certainty, followup, hit.alternative, hit.candidates)
    return remembered(hit.entry)


def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, topic: Optional[str]
) -> List[EventType]:
    """Send the best entry for the latest message, or the topic overview when nothing specific fits.

    A question about another country ("how do I start a business in France?") that no entry answers surely
    gets the reply on other countries' company law, not the closest Flemish entry.
    """
    hit = find_answer(tracker, kb, topic)
    if (hit is None or not hit.confident) and kb.cues.only_abroad(typed_text(tracker)):
        dispatcher.utter_message(response="utter_out_of_scope_abroad")
        return []
    if hit:
        return reply_with(dispatcher, tracker, kb, hit)
    overview = kb.overview(topic or "agency")
    if overview is None:
        return []
    text = typed_text(tracker)
    # a follow-up with no answer before it to follow ("and in Gent?" as a first message) asked something specific too
    asked_something = bool(text.strip()) and (len(text.split()) > 3 or kb.cues.looks_like_followup(text))
    send_answer(dispatcher, tracker, overview, kb.entries, "overview" if asked_something else "sure")
    return [SlotSet("last_topic", overview.topic), SlotSet("last_entry", None)]


def answer_if_specific(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    kb: KnowledgeBase,
    followup: bool = True,
    only_sure: bool = False,
    topic: Optional[str] = None,
    situation: bool = False,
) -> Optional[List[EventType]]:
    """Answer a message that asks something specific, where the intent alone would lead elsewhere.

    Used for guidance requests that name a situation, messages the classifier was unsure about and
    "confidential" messages that are plain questions. A follow-up or a message with enough content words and
    an entry that matches gets the answer (hedged when the match is not sure); otherwise nothing is sent and
    None is returned, so the caller does what the intent asks. `only_sure`: answer only a confident match
    (before an advisor offer, a hedged side answer would be noise). `topic`: the topic the message is about, if
    known; `situation`: the message names the asker's field or activity ("we make bioplastics, which cluster?"),
    which is specific however few other words it has; so is a message that names a measure, permit or cluster
    ("wat heb ik nodig voor een dienstenchequebedrijf").
    """
    hit = followup_hit(tracker, kb)
    if hit is None:
        text = typed_text(tracker)
        entities = entities_of(tracker)
        specific = situation or kb.names_an_entry(entities)
        if len(kb.cues.content_words(text, kb.stopwords)) < (1 if specific else MIN_CONTENT_WORDS):
            return None
        hit = kb.find(text, topic, entities, intent_is_sure(tracker))
    if hit is None or (only_sure and not hit.confident):
        return None
    return reply_with(dispatcher, tracker, kb, hit, followup)


class ActionAnswerQuestion(Action):
    """Finds the entry that answers the user's question and replies with it and its source."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return answer_question(dispatcher, tracker, knowledge_base(), TOPIC_OF_INTENT.get(intent))


class ActionConfidentialIntro(Action):
    """Decides whether a message the classifier calls confidential describes a sensitive situation.

    Sensitive (debts, disputes, a secret sale, a wish for discretion: knowledge/understanding/sensitive.yml)
    or a button click: acknowledge it, answer a factual question in it first, and the rules start the advisor
    handoff (`sensitive` true). Otherwise it is a question like any other ("can someone look at my business
    plan?"): it is answered, with the advisor still offered as a button (`sensitive` false, no handoff).
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_confidential_intro"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        kb = knowledge_base()
        text = typed_text(tracker)
        if not text or kb.cues.is_sensitive(text):
            events = answer_if_specific(dispatcher, tracker, kb, followup=False, only_sure=True) or []
            dispatcher.utter_message(response="utter_confidential_intro")
            return events + [SlotSet("sensitive", True)]
        answered = answer_if_specific(dispatcher, tracker, kb)
        if answered is None:
            dispatcher.utter_message(response="utter_confidential_offer")
        return (answered or []) + [SlotSet("sensitive", False)]
