"""Starting, finishing and cancelling guided advice."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..answering import answer_if_specific, typed_text
from ..confidence import person_is_runner_up
from ..handoff.contact import clean_name, clean_summary
from ..knowledge.base import KnowledgeBase, knowledge_base
from ..knowledge.entry import Entry
from ..replies import GUIDE_OF_TOPIC, language_of, send_checklist, send_guidance
from .matching import Match, recommend
from .options import option_parser

FORM_OF_GUIDE = {
    "financing": "financing_form",
    "cluster": "cluster_form",
    "permit": "permit_form",
    "startup": "startup_form",
}
GUIDED_FORMS = set(FORM_OF_GUIDE.values())
TOPIC_OF_GUIDE = {guide: topic for topic, guide in GUIDE_OF_TOPIC.items()}
# The form question whose answer decides what fits: a request that already answers it names a situation.
SITUATION_SLOT = {"cluster": "cluster_domain", "permit": "permit_activity"}
HANDOFF_SLOTS = ["handoff_consent", "contact_name", "contact", "contact_language", "case_summary", "handoff_reason"]
# the handoff questions answered in free text, with the check the form applies to an answer
HANDOFF_FREE_TEXT: Dict[str, Callable[[str], Optional[str]]] = {
    "contact_name": clean_name,
    "case_summary": clean_summary,
}
MAX_RECOMMENDATIONS = 4
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)")


def form_slots(domain: Dict[Text, Any], form: str) -> List[str]:
    """The questions (slots) of a form, from domain.yml."""
    return list(domain.get("forms", {}).get(form, {}).get("required_slots", []))


def chosen_guide(tracker: Tracker) -> Optional[str]:
    """Which guided advice the user asks for: a button's `guide`, words in the message, or the last topic."""
    message = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == "guide" and entity.get("value") in FORM_OF_GUIDE:
            return entity["value"]
    text = message.get("text") or ""
    if not text.startswith("/"):
        parsed = option_parser().parse("guide", text)
        if parsed:
            return parsed
    return GUIDE_OF_TOPIC.get(tracker.get_slot("last_topic") or "")


def names_situation(tracker: Tracker, guide: Optional[str]) -> bool:
    """Whether a typed guidance request names the field or activity that decides the answer ("bioplastics")."""
    slot = SITUATION_SLOT.get(guide or "")
    text = typed_text(tracker)
    return bool(slot and text and option_parser().parse(slot, text))


class ActionStartGuidance(Action):
    """Answers first when the request names a situation; otherwise starts the guided questions.

    Without a situation it sets `guide` (rules then start that form with fresh answers), or asks which
    guidance is wanted.

    "Which permit do I need for a car wash?" asks something specific: it gets the entry that fits, and the
    permit check is offered as a button after it (the follow-up of the answer). The guidance asked for names
    the topic the entry is looked for in ("we are 6 and want a consultant for our growth plan, what support is
    there?" finds the SME wallet among the financing entries). A plain "which subsidies fit me?", or a click on
    that button, starts the questions. An unsure request whose next guess is a request for a person ("can someone
    come by to look at our plans?") gets the advisor handoff, which asks consent first.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_start_guidance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        if person_is_runner_up(tracker.latest_message or {}):
            dispatcher.utter_message(response="utter_handoff_intro")
            return [SlotSet("guide", None), FollowupAction("handoff_form")]
        guide = chosen_guide(tracker)
        situation = names_situation(tracker, guide)
        # the guidance asked for names the topic, whether or not the request names a situation in it
        topic = TOPIC_OF_GUIDE.get(guide or "")
        answered = answer_if_specific(dispatcher, tracker, knowledge_base(), topic=topic, situation=situation)
        if answered is not None:
            return [SlotSet("guide", None), *answered]
        if not guide:
            dispatcher.utter_message(response="utter_ask_guide")
            return [SlotSet("guide", None)]
        resets = [SlotSet(slot, None) for slot in form_slots(domain, FORM_OF_GUIDE[guide])]
        return resets + [SlotSet("guide", guide)]


def profile_text(tracker: Tracker, slots: List[str], language: str) -> str:
    """The user's answers in words ("small enterprise, advice or training")."""
    parser = option_parser()
    return ", ".join(parser.label(s, tracker.get_slot(s), language) for s in slots if tracker.get_slot(s))


def first_sentence(text: str) -> str:
    """The first sentence of an answer, for compact lists."""
    match = _FIRST_SENTENCE.match(text.strip())
    return match.group(1) if match else text.strip()


def recommendation_items(matches: List[Match], language: str) -> List[Dict[str, str]]:
    """Values for utter_guidance_item: rank, title, why it fits, answer, source."""
    parser = option_parser()
    items = []
    for rank, match in enumerate(matches, start=1):
        why = ", ".join(parser.label(slot, option, language) for slot, option in match.fits.items())
        items.append(
            {
                "rank": str(rank),
                "title": match.entry.text("title", language),
                "why": why,
                "answer": match.entry.text("answer", language),
                "source_url": match.entry.source_url,
            }
        )
    return items


class ActionGiveGuidance(Action):
    """After a guided form: the measures, clusters, permits or steps that fit the answers, with sources."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_give_guidance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        guide = tracker.get_slot("guide")
        kb = knowledge_base()
        language = language_of(tracker)
        slots = form_slots(domain, FORM_OF_GUIDE.get(guide, ""))
        answers = {s: tracker.get_slot(s) for s in slots if tracker.get_slot(s)}
        profile = profile_text(tracker, slots, language)
        if guide == "startup":
            send_checklist(dispatcher, profile, checklist(kb, answers, language))
        elif guide in FORM_OF_GUIDE:
            matches, infos = advice_for(guide, kb, answers)
            send_guidance(dispatcher, tracker, profile, recommendation_items(matches, language), infos)
        return [SlotSet("guide", None)]


def advice_for(guide: str, kb: KnowledgeBase, answers: Dict[str, str]) -> Tuple[List[Match], List[Entry]]:
    """Matches (ranked) and explanatory entries for the financing, cluster or permit guide."""
    entries = list(kb.entries.values())
    if guide == "financing":
        return recommend(entries, answers, ["measure"], must_fit=["purpose"], limit=MAX_RECOMMENDATIONS), []
    if guide == "cluster":
        explain = option_parser().slots["guide"]["cluster"].get("explain", [])
        infos = [kb.entries[i] for i in explain if i in kb.entries]
        return recommend(entries, answers, ["cluster"], must_fit=["cluster_domain"], limit=MAX_RECOMMENDATIONS), infos
    matches = [m for m in recommend(entries, answers, ["permit"]) if m.fits][:MAX_RECOMMENDATIONS]
    return matches, []


def checklist(kb: KnowledgeBase, answers: Dict[str, str], language: str) -> List[str]:
    """Numbered start-up steps that apply to the answers, in the order of the step plan."""
    steps = sorted(
        (m.entry for m in recommend(kb.entries.values(), answers, ["step"])),
        key=lambda e: e.order if e.order is not None else 999,
    )
    return [
        f"{n}. {e.text('title', language)}: {first_sentence(e.text('answer', language))} ({e.source_url})"
        for n, e in enumerate(steps, start=1)
    ]


class ActionCancelForm(Action):
    """Stops the active form and forgets its answers; says so when the user asked to stop.

    An answer to the question the form asked is never taken for "stop", whatever the classifier made of it
    (a bare "established" has been classed as stop, a name typed for the advisor too): it is filled in and the
    form goes on. For the handoff's free-text questions (name, description) any answer that does not ask to
    stop in words (knowledge/understanding/stop_words.yml) is the answer.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        requested = tracker.get_slot("requested_slot")
        text = typed_text(tracker)
        if form in GUIDED_FORMS and requested and text:
            answer = option_parser().parse(requested, text)
            if answer:
                return [SlotSet(requested, answer), FollowupAction(form)]
        if form == "handoff_form" and requested in HANDOFF_FREE_TEXT and text:
            answer = HANDOFF_FREE_TEXT[requested](text)
            if answer and not knowledge_base().cues.asks_to_stop(text):
                return [SlotSet(requested, answer), FollowupAction(form)]
        slots = HANDOFF_SLOTS if form == "handoff_form" else form_slots(domain, form or "")
        if (tracker.latest_message.get("intent") or {}).get("name") == "stop":
            dispatcher.utter_message(response="utter_form_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("guide", None)] + [
            SlotSet(s, None) for s in slots
        ]
