"""The action server refuses action calls that are not shaped like the ones Rasa sends, with a 400.

rasa-sdk trusts its caller: a body that is a list, a `next_action` that is not a string, or a tracker without
`sender_id` or with `slots` that are not an object ends in an exception and a 500. Rasa never sends such a call,
but the action server listens on a port of its own, so anything may arrive; it gets a JSON error instead.
Only the parts rasa-sdk and the actions read are checked (`Tracker.from_dict` and `latest_message`).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

# tracker field -> the JSON types it may have (None = may be null)
TRACKER_FIELDS: Dict[str, Tuple[Optional[Type[Any]], ...]] = {
    "slots": (dict,),
    "latest_message": (dict, None),
    "events": (list,),
    "paused": (bool,),
    "followup_action": (str, None),
    "active_loop": (dict, None),
    "active_form": (dict, None),
    "latest_action_name": (str, None),
}
MESSAGE_FIELDS: Dict[str, Tuple[Optional[Type[Any]], ...]] = {
    "text": (str, None),
    "intent": (dict, None),
    "entities": (list, None),
    "metadata": (dict, None),
}
NAMES = {list: "a list", dict: "an object", str: "a string", bool: "true or false", None: "null"}


def _fits(value: Any, kinds: Tuple[Optional[Type[Any]], ...]) -> bool:
    return any(value is None if kind is None else isinstance(value, kind) for kind in kinds)


def _expected(kinds: Tuple[Optional[Type[Any]], ...]) -> str:
    return " or ".join(NAMES[kind] for kind in kinds)


def _problem_with_fields(
    part: Dict[str, Any], fields: Dict[str, Tuple[Optional[Type[Any]], ...]], where: str
) -> Optional[str]:
    for name, kinds in fields.items():
        if name in part and not _fits(part[name], kinds):
            return f"'{where}.{name}' must be {_expected(kinds)}."
    return None


def problem_with_shape(call: Any) -> Optional[str]:
    """Why `call` is not an action call as Rasa sends it, or None."""
    if not isinstance(call, dict):
        return "An action call is a JSON object."
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        return "'next_action' must be the name of an action."
    if "version" in call and not isinstance(call["version"], (str, type(None))):
        return "'version' must be a string."
    if "domain" in call and not isinstance(call["domain"], (dict, type(None))):
        return "'domain' must be an object."
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        return "'tracker' must be an object with a 'sender_id' string."
    problem = _problem_with_fields(tracker, TRACKER_FIELDS, "tracker")
    if problem:
        return problem
    message = tracker.get("latest_message") or {}
    problem = _problem_with_fields(message, MESSAGE_FIELDS, "tracker.latest_message")
    if problem:
        return problem
    if not all(isinstance(event, dict) for event in tracker.get("events") or []):
        return "'tracker.events' must be a list of objects."
    if not all(isinstance(entity, dict) for entity in message.get("entities") or []):
        return "'tracker.latest_message.entities' must be a list of objects."
    return None
