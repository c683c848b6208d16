"""Opening the case and pausing the bot; keeping a conversation paused across session starts and restarts."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from cases import store as case_store
from cases.office_hours import OfficeHours, describe

from ..confidence import asks_for_person
from ..replies import language_of
from .cases import cases_engine, is_live, open_case
from .contact import invalid_handoff_slots

logger = logging.getLogger(__name__)
FORM_SLOTS = ["handoff_consent", "contact_name", "contact", "contact_language", "case_summary", "requested_slot"]


def handoff_topic(tracker: Tracker) -> str:
    """Why the user is handed over, from the message that started the handoff questions.

    A confidential situation, an explicit request (then the topic discussed before, if any), or a
    message the bot did not understand.
    """
    started = max(
        (
            i
            for i, e in enumerate(tracker.events)
            if e.get("event") == "active_loop" and e.get("name") == "handoff_form"
        ),
        default=len(tracker.events),
    )
    for event in reversed(tracker.events[:started]):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "confidential":
            return "confidential"
        if asks_for_person(event.get("parse_data") or {}):
            return tracker.get_slot("last_topic") or "asked_for_advisor"
        return "not_understood"
    return "asked_for_advisor"


class ActionFinishHandoff(Action):
    """Creates (or finds) the case, tells the user what happens next, and pauses the bot for a live case.

    The form's answers are checked again before they are stored (`invalid_handoff_slots`): a tracker that
    claims consent, a contact or a language the form would not have accepted opens no case.
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_finish_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        reset = [SlotSet(s, None) for s in FORM_SLOTS]
        if tracker.get_slot("handoff_consent") == "no":
            dispatcher.utter_message(response="utter_handoff_declined")
            return reset
        try:
            existing = open_case(tracker.sender_id)
            if existing:
                dispatcher.utter_message(response="utter_case_exists", case_id=str(existing["id"]))
                return reset + [SlotSet("case_id", str(existing["id"]))]
            invalid = invalid_handoff_slots(tracker.current_slot_values())
            if invalid:
                # Only a tracker that did not come through the form gets here: store nothing from it.
                logger.warning("Handoff refused: slots %s are not as the form stores them", ", ".join(invalid))
                dispatcher.utter_message(response="utter_handoff_failed")
                return reset
            return reset + self._open_new_case(dispatcher, tracker)
        except Exception:
            logger.exception("Could not open a case for %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_failed")
            return reset

    @staticmethod
    def _open_new_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        hours = OfficeHours.load()
        now = dt.datetime.now(dt.timezone.utc)
        live = hours.is_open(now)
        language = tracker.get_slot("contact_language") or language_of(tracker)
        callback_from: Optional[dt.datetime] = None if live else hours.next_opening(now)
        case, _ = case_store.open_or_create_case(
            cases_engine(),
            tracker.sender_id,
            topic=handoff_topic(tracker),
            language=language,
            contact_name=tracker.get_slot("contact_name"),
            contact=tracker.get_slot("contact"),
            summary=tracker.get_slot("case_summary"),
            status="waiting" if live else "callback",
            callback_due=callback_from.isoformat() if callback_from else None,
        )
        values = {"case_id": str(case["id"]), "contact_name": tracker.get_slot("contact_name") or ""}
        if live:
            dispatcher.utter_message(response="utter_case_waiting", **values)
            # Listening is recorded before the pause so that, once resumed, the next message is handled
            # like any other (the rules expect the bot to have been listening).
            return [SlotSet("case_id", str(case["id"])), ActionExecuted("action_listen"), ConversationPaused()]
        contact = tracker.get_slot("contact") or ""
        if callback_from is None:  # no opening in the next two weeks: no date to promise
            dispatcher.utter_message(response="utter_case_callback_later", contact=contact, **values)
        else:
            dispatcher.utter_message(
                response="utter_case_callback",
                contact=contact,
                callback_time=describe(callback_from, language_of(tracker)),
                **values,
            )
        return [SlotSet("case_id", str(case["id"]))]


def carried_slots(tracker: Tracker) -> List[EventType]:
    """Slots to keep in a new session (Rasa's default carry-over, done by hand in a custom session start)."""
    return [
        SlotSet(name, value)
        for name, value in tracker.current_slot_values().items()
        if value is not None and name != "requested_slot"
    ]


class ActionSessionStart(Action):
    """A new session keeps the slots and, if an advisor holds the conversation, stays paused."""

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        events: List[EventType] = [SessionStarted(), *carried_slots(tracker)]
        try:
            case = open_case(tracker.sender_id)
        except Exception:
            logger.exception("Case store unavailable at session start of %s", tracker.sender_id)
            case = None
        if case:
            events.append(SlotSet("case_id", str(case["id"])))
        if is_live(case):
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events


class ActionRestart(Action):
    """'/restart' starts over, except while an advisor holds the conversation.

    Then the restart message is reverted: the conversation stays paused with the advisor, and the bot
    says nothing (Rasa handles '/restart' even in a paused conversation).
    """

    def name(self) -> Text:
        """Unique identifier of the action."""
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Execute the action (see the class docstring); returns the events to apply."""
        try:
            case = open_case(tracker.sender_id)
        except Exception:
            logger.exception("Case store unavailable at restart of %s", tracker.sender_id)
            case = None
        if is_live(case):
            # Reverting the message also reverts the pause and the listen before it: restore both.
            return [UserUtteranceReverted(), ActionExecuted("action_listen"), ConversationPaused()]
        return [Restarted()]
