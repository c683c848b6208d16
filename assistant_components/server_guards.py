"""Guards on the whole Rasa server (its HTTP API too), installed by our channels when Rasa mounts them.

Channels are the only project code Rasa hands its Sanic app to, so both channels call `install(app)` when
their blueprint is registered (once per app):

- every request meets a tracker store that reports an outage instead of silently using memory
  (tracker_store.fail_loudly; a model activated through the API comes with a new agent, hence per request);
- `POST /model/parse` with a body that is not `{"text": "..."}` gets Rasa's error JSON as a 400 with a clear
  message, where Rasa answers a 500 ("An unexpected error occurred. Error: 'text'"). Done on the response, so
  Rasa's token check still comes first; a 500 for a well-formed body stays a 500 (that is a real failure).
"""

from __future__ import annotations

import json
from typing import Any, Optional, Text

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from .tracker_store import fail_loudly

INSTALLED = "assistant_guards_installed"
PARSE_PATH = "/model/parse"
PARSE_BODY = "The body must be a JSON object with a 'text' string (and optionally a 'message_id' string)."


def install(app: Sanic) -> None:
    """Register the guards on `app` (idempotent)."""
    if getattr(app.ctx, INSTALLED, False):
        return
    setattr(app.ctx, INSTALLED, True)
    app.register_middleware(_tracker_store_fails_loudly, "request")
    app.register_middleware(_clear_parse_errors, "response")


async def _tracker_store_fails_loudly(request: Request) -> None:
    fail_loudly(getattr(request.app.ctx, "agent", None))


def problem_with_parse_body(body: bytes) -> Optional[Text]:
    """Why `body` is not a parse request Rasa can handle, or None."""
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return PARSE_BODY
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return PARSE_BODY
    if data.get("message_id") is not None and not isinstance(data["message_id"], str):
        return PARSE_BODY
    return None


async def _clear_parse_errors(request: Request, answer: BaseHTTPResponse) -> Optional[HTTPResponse]:
    if answer.status != 500 or request.method != "POST" or request.path.rstrip("/") != PARSE_PATH:
        return None
    if "emulation_mode" in request.args or b"ParsingError" not in (answer.body or b""):
        return None
    problem = problem_with_parse_body(request.body)
    if problem is None:
        return None
    error = json.loads(answer.body or b"{}")
    error.update({"message": problem, "reason": "BadRequest", "code": 400})
    return response.json(error, status=400)
