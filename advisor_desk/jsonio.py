"""Reading and checking JSON request bodies, so bad input is a 400 and never a 500."""

from __future__ import annotations

import json
from typing import Any, Dict

from aiohttp import web

from .api_errors import ApiError

MAX_TEXT_LENGTH = 4000


async def read_json_object(request: web.Request) -> Dict[str, Any]:
    """The request body as a JSON object; a 400 API error for anything else."""
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The request body is not valid JSON.") from exc
    except RecursionError as exc:  # json gives up on deeply nested documents (~1000 levels)
        raise ApiError(400, "The request body is nested too deeply.") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return body


def required_string(body: Dict[str, Any], field: str) -> str:
    """A non-empty string field of the body; a 400 API error when missing or not a string."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"Field '{field}' is required and must be a non-empty string.")
    return value


def required_text(body: Dict[str, Any], field: str = "text") -> str:
    """A message or note: trimmed, non-empty, at most MAX_TEXT_LENGTH characters."""
    text = required_string(body, field).strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, f"Field '{field}' is longer than {MAX_TEXT_LENGTH} characters.")
    return text
