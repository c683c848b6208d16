"""JSON endpoints for working a case: queue, claim, read, reply, notes, transfer, resolve."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Dict, Optional

from aiohttp import web

from cases import store as case_store
from cases.models import OPEN_STATUSES

from . import accounts
from .access import can_manage, can_view, is_assignee, may_know
from .api_errors import ApiError
from .handback import handback_message
from .jsonio import read_json_object, required_string, required_text
from .rasa_client import RasaError, RasaUnavailable
from .web_context import current_advisor, engine, rasa, run_db

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

# At most 18 digits: every such id fits the databases' 64-bit integers (a longer one is simply not found).
CASE_PATH = r"/api/cases/{case_id:\d{1,18}}"
# Pages poll the case and its transcript every few seconds; one audit line per window is enough.
READ_AUDIT_WINDOW = timedelta(minutes=5)
# One answer for a missing case and for one the advisor may not know about: no probing of case ids.
NOT_FOUND = "No such case, or another advisor handles it."


async def _load_case(request: web.Request) -> Dict[str, Any]:
    case = await run_db(case_store.get_case, engine(request), int(request.match_info["case_id"]))
    if case is None or not may_know(current_advisor(request), case):
        raise ApiError(404, NOT_FOUND)
    return case


async def _reload(request: web.Request, case: Dict[str, Any]) -> Dict[str, Any]:
    fresh = await run_db(case_store.get_case, engine(request), case["id"])
    return fresh or case


def _allow(allowed: bool, message: str) -> None:
    if not allowed:
        raise ApiError(403, message)


def _require_open(case: Dict[str, Any]) -> None:
    if case["status"] not in OPEN_STATUSES:
        raise ApiError(409, "This case is already resolved.")


async def _audit(
    request: web.Request,
    case: Dict[str, Any],
    action: str,
    detail: str = "",
    **kwargs: Any,
) -> None:
    me = current_advisor(request)
    await run_db(
        case_store.audit,
        engine(request),
        me["id"],
        case["id"],
        action,
        detail,
        **kwargs,
    )


async def _pause_chat(request: web.Request, case: Dict[str, Any]) -> Optional[str]:
    """Make sure the bot stays quiet while an advisor holds the chat; a warning if Rasa failed.

    The action server already paused it at hand-off, so a failure here is reported, not fatal.
    """
    try:
        await rasa(request).pause(case["conversation_id"])
    except RasaError as exc:
        log.warning("Could not pause conversation of case %s: %s", case["id"], exc)
        return f"The case is yours, but the bot could not be paused: {exc}"
    return None


def _with_warning(payload: Dict[str, Any], warning: Optional[str]) -> Dict[str, Any]:
    return {**payload, "warning": warning} if warning else payload


@routes.get("/api/queue")
async def queue(request: web.Request) -> web.Response:
    """GET /api/queue: the cases nobody holds yet, oldest first."""
    return web.json_response({"cases": await run_db(case_store.list_queue, engine(request))})


@routes.get("/api/cases/mine")
async def mine(request: web.Request) -> web.Response:
    """GET /api/cases/mine: the cases the current advisor holds."""
    me = current_advisor(request)
    return web.json_response({"cases": await run_db(case_store.list_mine, engine(request), me["id"])})


@routes.post(CASE_PATH + "/claim")
async def claim(request: web.Request) -> web.Response:
    """POST /api/cases/{id}/claim: take a case from the queue (409 if someone else was first) and pause the bot."""
    case = await _load_case(request)
    me = current_advisor(request)
    if not await run_db(case_store.claim_case, engine(request), case["id"], me["id"]):
        current = await _reload(request, case)
        if not may_know(me, current):
            raise ApiError(404, NOT_FOUND)  # taken by someone else: the same answer as for a missing case
        _require_open(current)
        if current["advisor_id"] == me["id"]:
            raise ApiError(409, "You already hold this case.")
        raise ApiError(409, "Another advisor has already claimed this case.")
    await _audit(request, case, "claim")
    warning = await _pause_chat(request, case)
    return web.json_response(_with_warning({"case": await _reload(request, case)}, warning))


@routes.get(CASE_PATH)
async def show(request: web.Request) -> web.Response:
    """GET /api/cases/{id}: one case with its notes."""
    case = await _load_case(request)
    _allow(
        can_view(current_advisor(request), case),
        "This case is resolved; only an admin can open it now.",
    )
    notes = await run_db(case_store.list_notes, engine(request), case["id"])
    await _audit(request, case, "read", unless_within=READ_AUDIT_WINDOW)
    return web.json_response({"case": case, "notes": notes})


@routes.get(CASE_PATH + "/transcript")
async def transcript(request: web.Request) -> web.Response:
    """GET /api/cases/{id}/transcript: the conversation as read from Rasa's tracker."""
    case = await _load_case(request)
    _allow(
        can_view(current_advisor(request), case),
        "This case is resolved; only an admin can open it now.",
    )
    lines = await rasa(request).transcript(case["conversation_id"])
    await _audit(request, case, "read_transcript", unless_within=READ_AUDIT_WINDOW)
    return web.json_response({"transcript": lines})


@routes.post(CASE_PATH + "/messages")
async def reply(request: web.Request) -> web.Response:
    """POST /api/cases/{id}/messages: send the holder's message into the entrepreneur's chat."""
    case = await _load_case(request)
    me = current_advisor(request)
    _require_open(case)
    _allow(is_assignee(me, case), "Only the advisor who holds this case can reply.")
    text = required_text(await read_json_object(request))
    try:
        await rasa(request).send_advisor_message(case["conversation_id"], text, me["display_name"])
    except RasaUnavailable as exc:
        # Refused, not queued: the page keeps the text in the box, so the advisor sends it again.
        raise ApiError(502, f"Your reply was not sent. {exc}") from exc
    # The text itself is in Rasa's tracker; the audit log keeps no copy of confidential content.
    await _audit(request, case, "reply", f"{len(text)} characters")
    return web.json_response({"ok": True})


@routes.post(CASE_PATH + "/notes")
async def add_note(request: web.Request) -> web.Response:
    """POST /api/cases/{id}/notes: add an internal note to the case."""
    case = await _load_case(request)
    me = current_advisor(request)
    _require_open(case)
    _allow(
        can_manage(me, case),
        "Only the advisor who holds this case (or an admin) can add notes.",
    )
    text = required_text(await read_json_object(request))
    note = await run_db(case_store.add_note, engine(request), case["id"], me["id"], text)
    if note is None:
        raise ApiError(409, "This case is already resolved.")  # resolved while the note was on its way
    await _audit(request, case, "note")
    return web.json_response({"note": note}, status=201)


@routes.post(CASE_PATH + "/transfer")
async def transfer(request: web.Request) -> web.Response:
    """POST /api/cases/{id}/transfer: hand the case to another active advisor."""
    case = await _load_case(request)
    _require_open(case)
    _allow(
        can_manage(current_advisor(request), case),
        "Only the advisor who holds this case (or an admin) can transfer it.",
    )
    username = required_string(await read_json_object(request), "advisor_username").strip()
    target = await run_db(accounts.get_advisor_by_username, engine(request), username)
    if target is None or not target["active"]:
        raise ApiError(400, f"There is no active advisor '{username}'.")
    moved = await run_db(
        case_store.transfer_case,
        engine(request),
        case["id"],
        target["id"],
        expected_advisor_id=case["advisor_id"],
    )
    if not moved:
        raise ApiError(409, "The case changed meanwhile; reload it and try again.")
    await _audit(request, case, "transfer", f"{case['advisor_username'] or '-'} -> {username}")
    warning = None if case["status"] == "claimed" else await _pause_chat(request, case)
    return web.json_response(_with_warning({"case": await _reload(request, case)}, warning))


@routes.post(CASE_PATH + "/resolve")
async def resolve(request: web.Request) -> web.Response:
    """Close the case and give the chat back to the bot.

    The case is resolved first, by one conditional UPDATE on the holder this request saw: a transfer
    that got in before makes it fail (409, Rasa untouched), one that comes after finds the case closed.
    So the bot is never resumed while another advisor holds the case. If Rasa then fails, the case is
    reopened as it was (502) and can be resolved again, instead of leaving the entrepreneur in a paused chat.
    """
    case = await _load_case(request)
    _require_open(case)
    _allow(
        can_manage(current_advisor(request), case),
        "Only the advisor who holds this case (or an admin) can resolve it.",
    )
    db = engine(request)
    if not await run_db(case_store.resolve_case, db, case["id"], expected_advisor_id=case["advisor_id"]):
        raise ApiError(409, "The case changed meanwhile; reload it and try again.")
    client = rasa(request)
    conversation_id = case["conversation_id"]
    try:
        await client.send_bot_message(conversation_id, handback_message(case["language"]), {"handback": True})
        await client.resume(conversation_id)
        await client.set_slot(conversation_id, "case_id", None)
    except Exception as exc:
        reopened = await run_db(
            case_store.reopen_case, db, case["id"], status=case["status"], advisor_id=case["advisor_id"]
        )
        if not reopened:
            log.error("Case %s stays resolved although handing the chat back to the bot failed", case["id"])
            raise
        if isinstance(exc, RasaUnavailable):
            raise ApiError(502, f"The case is still open: the chat could not be handed back to the bot. {exc}") from exc
        raise
    await _audit(request, case, "resolve")
    return web.json_response({"case": await _reload(request, case)})
