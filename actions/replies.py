"""How answers and guided-advice results are sent: which response, with which values and buttons.

Fixed wording lives in domain.yml (an English and a Dutch variant of every response, picked by Rasa from
the `language` slot); knowledge wording lives in knowledge/. Actions that answer from the knowledge base call
these functions with what they found; other actions name their own domain responses. No action sends text
of its own (tests/test_replies.py).
"""

from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .knowledge.entry import Entry
from .language import DEFAULT_LANGUAGE

# topic of an answer -> the guided advice offered after it
GUIDE_OF_TOPIC = {"financing": "financing", "clusters": "cluster", "permits": "permit", "startup": "startup"}
TOPIC_OF_INTENT: Dict[Optional[str], str] = {
    "ask_startup": "startup",
    "ask_location": "location",
    "ask_permits": "permits",
    "ask_financing": "financing",
    "ask_clusters": "clusters",
    "ask_agency": "agency",
}
MAX_RELATED_BUTTONS = 2
# how sure the assistant is of an answer -> the response that frames it
ANSWER_RESPONSES = {
    "sure": "utter_answer",
    "closest": "utter_answer_closest",
    "overview": "utter_answer_not_specific",
}


def language_of(tracker: Tracker) -> str:
    """The conversation's language ('en' or 'nl')."""
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def entry_values(entry: Entry, language: str) -> Dict[str, str]:
    """The values an answer response is filled with.

    `entry_id` goes into the payloads of the feedback buttons under the answer (domain.yml) and, with the
    rest, into the bot event's metadata, so feedback typed afterwards can still be tied to this entry.
    """
    return {
        "entry_id": entry.id,
        "title": entry.text("title", language),
        "answer": entry.text("answer", language),
        "source_url": entry.source_url,
        "reviewed": entry.reviewed.isoformat(),
    }


def entry_button(entry: Entry, language: str) -> Dict[str, str]:
    """A button that opens an entry (its title; the payload names the entry, so no retrieval is needed)."""
    intent = next((i for i, t in TOPIC_OF_INTENT.items() if t == entry.topic), "ask_agency")
    return {"title": entry.text("title", language), "payload": f"/{intent}{json.dumps({'entry_id': entry.id})}"}


def related_buttons(entry: Entry, entries: Dict[str, Entry], language: str) -> List[Dict[str, str]]:
    """Buttons that open related entries."""
    related = (entries.get(related_id) for related_id in entry.related[:MAX_RELATED_BUTTONS])
    return [entry_button(other, language) for other in related if other]


def send_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    entry: Entry,
    entries: Dict[str, Entry],
    certainty: str = "sure",
    followup: bool = True,
    alternative: Optional[Entry] = None,
    candidates: Sequence[Entry] = (),
) -> None:
    """An entry with its source, framed by how sure the match is, then the follow-up offer.

    `certainty`: "sure" (the entry answers the question), "closest" (the nearest information, said as
    such) or "overview" (nothing specific: the topic overview and an advisor). `alternative`: a second entry
    that fits about as well (with "sure": another aspect of the same subject), offered after the first as
    "or perhaps";
    `candidates`: with "closest", the next entries that may answer it, offered as buttons.
    """
    language = language_of(tracker)
    dispatcher.utter_message(response=ANSWER_RESPONSES[certainty], **entry_values(entry, language))
    if alternative is not None and certainty in ("sure", "closest"):
        dispatcher.utter_message(response="utter_answer_alternative", **entry_values(alternative, language))
    if candidates and certainty == "closest":
        buttons = [entry_button(candidate, language) for candidate in candidates]
        dispatcher.utter_message(response="utter_answer_candidates", buttons=buttons)
    if not followup:
        return
    guide = GUIDE_OF_TOPIC.get(entry.topic)
    offer = f"utter_followup_{guide}" if guide else "utter_followup"
    dispatcher.utter_message(response=offer, buttons=related_buttons(entry, entries, language))


def send_guidance(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    profile: str,
    items: List[Dict[str, str]],
    infos: Optional[List[Entry]] = None,
) -> None:
    """Guided-advice result: explanations, each recommendation with why it fits, then the caveat.

    With no recommendation the user is told so and offered an advisor: never a measure that does not fit.
    """
    language = language_of(tracker)
    if items:
        dispatcher.utter_message(response="utter_guidance_intro", profile=profile)
    for info in infos or []:
        dispatcher.utter_message(response="utter_guidance_info", **entry_values(info, language))
    for item in items:
        dispatcher.utter_message(response="utter_guidance_item", **item)
    if items:
        dispatcher.utter_message(response="utter_guidance_done")
    else:
        dispatcher.utter_message(response="utter_guidance_none", profile=profile)


def send_checklist(dispatcher: CollectingDispatcher, profile: str, steps: List[str]) -> None:
    """The ordered start-up steps as one message."""
    dispatcher.utter_message(response="utter_checklist", profile=profile, steps="\n".join(steps))
    dispatcher.utter_message(response="utter_guidance_done")
