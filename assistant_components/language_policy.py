"""The reply language, chosen inside the Rasa server instead of by a custom action over HTTP.

Every user message used to call `action_detect_language` (a custom slot mapping) on the action server: an
HTTP round trip and the whole conversation state serialised to JSON, about 5-9 ms of every message in
`make bench`'s profile, for 0.1 ms of actual work. This policy does that work where the message already is.
It never predicts an action (all-zero confidences); at the first prediction after a user message it returns
the `SlotSet` events for `language` and `language_explicit`, which Rasa applies to the conversation before
the first action of the turn runs (`PolicyPrediction.events` of every policy are applied, winner or not).

Order of evidence, as before: the website's language choice (`metadata.language`, sent with every message)
> an explicit request ("antwoord in het Nederlands aub", intent `switch_language`) > detection of the
message's language, unless the person chose a language explicitly. Short or ambiguous messages keep the
current language (actions/language.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from actions.language import detect, normalise
from actions.text import fold

LANGUAGE_SLOT = "language"
EXPLICIT_SLOT = "language_explicit"
SWITCH_INTENT = "switch_language"


# "... in English", "naar het Nederlands": the language asked for follows one of these
TOWARDS = {"in", "into", "to", "naar", "het", "op"}


def requested_language(message: UserUttered, current: Optional[str]) -> str:
    """The language a 'switch language' message asks for: the one after "in"/"naar", else a named one, else the other.

    "My Dutch is not good enough, could we continue in English?" asks for English, not for the first one named.
    """
    words = fold(message.text or "").split()
    named = [(i, normalise(w)) for i, w in enumerate(words) if len(w) > 3 and normalise(w)]
    towards = [code for i, code in named if i > 0 and words[i - 1] in TOWARDS]
    if towards:
        return str(towards[-1])
    for entity in message.entities or []:
        if entity.get("entity") == "language":
            code = normalise(str(entity.get("value", "")))
            if code:
                return code
    if named:
        return str(named[0][1])
    return "en" if (current or "en") == "nl" else "nl"


def language_events(tracker: DialogueStateTracker) -> List[Event]:
    """The slot events the latest user message calls for (none when the language stays as it is)."""
    message = tracker.latest_message
    if message is None:
        return []
    current = tracker.get_slot(LANGUAGE_SLOT)
    was_explicit = bool(tracker.get_slot(EXPLICIT_SLOT))
    chosen = normalise((message.metadata or {}).get("language"))
    if chosen:
        return _set_language(current, chosen, was_explicit)
    if (message.intent or {}).get("name") == SWITCH_INTENT:
        return _set_language(current, requested_language(message, current), was_explicit)
    if was_explicit:
        return []
    detected = detect(message.text or "")
    if detected and detected != current:
        return [SlotSet(LANGUAGE_SLOT, detected)]
    return []


def _set_language(current: Optional[str], new: str, was_explicit: bool) -> List[Event]:
    events: List[Event] = []
    if new != current:
        events.append(SlotSet(LANGUAGE_SLOT, new))
    if not was_explicit:
        events.append(SlotSet(EXPLICIT_SLOT, True))
    return events


def first_prediction_of_turn(tracker: DialogueStateTracker) -> bool:
    """Whether the user has spoken since the last action: the language is decided once per message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted):
            return False
    return False


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(Policy):
    """Sets `language` (and `language_explicit`) for each user message; never predicts an action."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Lowest priority: with all-zero confidences it never wins a prediction anyway."""
        return {"priority": 1}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """All-zero confidences, with the language events on the first prediction after a user message."""
        events = language_events(tracker) if first_prediction_of_turn(tracker) else []
        return self._prediction(self._default_predictions(domain), events=events)
