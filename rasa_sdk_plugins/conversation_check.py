"""The action server refuses action calls for conversation ids that could address another conversation.

Rasa's channels check ids before a message is handled, but the action server is reachable on its own (port
5055) and its actions use the sender id to open and look up advisor cases. A call whose `sender_id` (or its
tracker's) is not a valid conversation id gets a 400 with a JSON error before any action runs; so does a body
that is not readable JSON or not shaped like an action call (`action_call_check`).
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from cases.conversation_ids import is_valid_id, problem_with_id
from rasa_sdk_plugins.action_call_check import problem_with_shape
from service_logging.context import bind_conversation


def problem_with_action_call(call: Any) -> Optional[str]:
    """Why an action call names no valid conversation, or None (malformed calls are left to rasa-sdk)."""
    if not isinstance(call, dict):
        return None
    tracker = call.get("tracker")
    candidates = [call.get("sender_id")]
    if isinstance(tracker, dict):
        candidates.append(tracker.get("sender_id"))
    for sender_id in candidates:
        if sender_id is not None and not is_valid_id(sender_id):
            return f"The action call's sender_id is not a valid conversation id. {problem_with_id(sender_id)}"
    return None


async def refuse_invalid_conversation_ids(request: Request) -> Optional[HTTPResponse]:
    """Sanic request middleware for POST /webhook (the body may be deflated, as Rasa can send it)."""
    if request.method != "POST" or request.path.rstrip("/") != "/webhook":
        return None
    try:
        body = request.body
        if request.headers.get("Content-Encoding") == "deflate":
            body = zlib.decompress(body)
        call = json.loads(body)
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        # rasa-sdk would fail on these with a 500 (deflate, deep nesting) or a bare 400: a clear 400 here
        return response.json({"error": "The body is not a readable JSON action call."}, status=400)
    problem = problem_with_action_call(call) or problem_with_shape(call)
    if problem is None:
        if isinstance(call, dict) and isinstance(call.get("sender_id"), str):
            bind_conversation(call["sender_id"])  # the action's log lines name its conversation
        return None
    action_name = call.get("next_action") if isinstance(call, dict) else None
    return response.json({"error": problem, "action_name": action_name}, status=400)
