"""Staff-only JSON endpoints: the overview figures, the review inbox, decisions and the retrain.

Everything shown comes from `staff_review`, which redacts personal data before anything leaves the tracker
store; a saved decision's text is redacted once more here, so a page (or a script) can never store more.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import web

from cases.conversation_ids import is_valid_id, problem_with_id
from cases.models import LANGUAGES
from staff_review.conversations import load_turns
from staff_review.inbox import InboxFilter, build_inbox, conversation_context
from staff_review.overview import overview
from staff_review.redact import redact

from . import retrain_reports, review_choices, review_store
from .api_errors import ApiError
from .auth import require_staff
from .jsonio import MAX_TEXT_LENGTH, read_json_object, required_string
from .overview_charts import chart_data
from .retrain_runner import log_tail
from .web_context import REPORTS_DIR, RETRAIN, engine, run_db, tracker_engine

routes = web.RouteTableDef()

MAX_KEY_LENGTH = 64
MAX_NOTE_LENGTH = 1000
MAX_NAME_LENGTH = 100
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(request: web.Request, name: str, end_of_day: bool = False) -> Optional[datetime]:
    """A `YYYY-MM-DD` query parameter as a UTC moment (the day's start, or its end for `until`)."""
    raw = request.query.get(name, "").strip()
    if not raw:
        return None
    if not _DATE.match(raw):
        raise ApiError(400, f"{name} must be a date like 2026-11-30.")
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError as exc:
        raise ApiError(400, f"{name} is not a real date: {raw}.") from exc
    moment = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return moment + timedelta(days=1) - timedelta(microseconds=1) if end_of_day else moment


def _period(request: web.Request) -> Tuple[Optional[datetime], Optional[datetime]]:
    since, until = _day(request, "since"), _day(request, "until", end_of_day=True)
    if since and until and since > until:
        raise ApiError(400, "since must not be after until.")
    return since, until


def _confidence(request: web.Request, name: str) -> Optional[float]:
    raw = request.query.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be a number between 0 and 1.") from exc
    if not 0.0 <= value <= 1.0:
        raise ApiError(400, f"{name} must be a number between 0 and 1.")
    return value


def _choice(request: web.Request, name: str, allowed: Any) -> Optional[str]:
    raw = request.query.get(name, "").strip()
    if raw and raw not in allowed:
        raise ApiError(400, f"Unknown {name} {raw!r}.")
    return raw or None


def inbox_filter(request: web.Request) -> InboxFilter:
    """The inbox filter from the query string; a 400 naming the bad parameter."""
    since, until = _period(request)
    return InboxFilter(
        since=since,
        until=until,
        intent=_choice(request, "intent", review_choices.intents()),
        language=_choice(request, "language", LANGUAGES),
        outcome=_choice(request, "outcome", review_choices.OUTCOMES),
        max_confidence=_confidence(request, "max_confidence"),
        min_confidence=_confidence(request, "min_confidence"),
    )


def _load_inbox(request: web.Request, flt: InboxFilter) -> Dict[str, Any]:
    """Blocking: read the tracker store and group its turns (in a worker thread)."""
    turns = load_turns(tracker_engine(request), flt.since, flt.until)
    items, withheld = build_inbox(turns, flt)
    decided = review_store.pending_for_keys(engine(request), [item.key for item in items])
    return {
        "items": [_item_json(item, decided.get(item.key)) for item in items],
        "withheld": withheld,
    }


def _item_json(item: Any, decision: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "key": item.key,
        "text": item.text,
        "language": item.language,
        "predicted_intent": item.predicted_intent,
        "confidence": item.confidence,
        "count": item.count,
        "outcomes": list(item.outcomes),
        "last_seen": item.last_seen,
        "examples": list(item.examples)[:20],
        "entities": list(getattr(item, "entities", []) or []),
        "variants": list(getattr(item, "variants", []) or []),  # other wordings grouped into this item
        "decision": decision,
    }


@routes.get("/api/staff/overview")
async def get_overview(request: web.Request) -> web.Response:
    """GET /api/staff/overview[?since=&until=]: the figures behind the overview charts."""
    require_staff(request)
    since, until = _period(request)
    figures = await run_db(overview, tracker_engine(request), since, until)
    return web.json_response(chart_data(figures))


@routes.get("/api/staff/inbox")
async def get_inbox(request: web.Request) -> web.Response:
    """GET /api/staff/inbox[?since&until&intent&language&outcome&max_confidence&min_confidence]: items to review."""
    require_staff(request)
    flt = inbox_filter(request)
    return web.json_response(await run_db(_load_inbox, request, flt))


@routes.get("/api/staff/conversation")
async def get_conversation(request: web.Request) -> web.Response:
    """GET /api/staff/conversation?sender_id=: one conversation, redacted, for an item's context."""
    require_staff(request)
    sender_id = request.query.get("sender_id", "")
    if not is_valid_id(sender_id):
        raise ApiError(400, f"sender_id must be a conversation id. {problem_with_id(sender_id)}")
    lines = await run_db(conversation_context, tracker_engine(request), sender_id)
    if not lines:
        raise ApiError(404, "No such conversation in the tracker store.")
    return web.json_response({"sender_id": sender_id, "lines": lines})


@routes.get("/api/staff/choices")
async def get_choices(request: web.Request) -> web.Response:
    """GET /api/staff/choices: intents, special choices and knowledge entries for the dropdowns."""
    require_staff(request)
    return web.json_response(await run_db(review_choices.choices))


def _optional_string(body: Dict[str, Any], field: str, limit: int) -> Optional[str]:
    value = body.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ApiError(400, f"Field '{field}' must be a string of at most {limit} characters.")
    return value.strip() or None


def _decision_fields(body: Dict[str, Any]) -> Dict[str, Any]:
    """Check a decision's body; every problem is a 400 that says what to fix."""
    key = required_string(body, "key").strip()
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(400, f"Field 'key' is longer than {MAX_KEY_LENGTH} characters.")
    text = required_string(body, "text").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, f"Field 'text' is longer than {MAX_TEXT_LENGTH} characters.")
    redaction = redact(text)
    if redaction.withheld:
        raise ApiError(400, "This text still looks personal after redaction; it cannot be saved.")
    language = required_string(body, "language")
    if language not in LANGUAGES:
        raise ApiError(400, f"Field 'language' must be one of {', '.join(LANGUAGES)}.")
    correct = required_string(body, "correct_intent").strip()
    allowed = {*review_choices.intents(), review_choices.IGNORE, review_choices.KNOWLEDGE}
    if correct not in allowed:
        raise ApiError(400, f"Unknown intent {correct!r}: choose an intent of the domain, 'ignore' or 'knowledge'.")
    entry = _optional_string(body, "knowledge_entry", MAX_NAME_LENGTH)
    if correct == review_choices.KNOWLEDGE:
        if entry is None:
            raise ApiError(400, "Pick the knowledge entry this message is a new example for.")
        if entry not in review_choices.knowledge_ids():
            raise ApiError(400, f"Unknown knowledge entry {entry!r}.")
    elif entry is not None:
        raise ApiError(400, "knowledge_entry is only for correct_intent 'knowledge'.")
    confidence = body.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1
    ):
        raise ApiError(400, "Field 'confidence' must be a number between 0 and 1.")
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ApiError(400, "Field 'count' must be a positive whole number.")
    outcomes = body.get("outcomes") or []
    if not isinstance(outcomes, list) or any(o not in review_choices.OUTCOMES for o in outcomes):
        raise ApiError(400, f"Field 'outcomes' must be a list of {', '.join(review_choices.OUTCOMES)}.")
    return {
        "key": key,
        "text": redaction.text,
        "language": language,
        "predicted_intent": _optional_string(body, "predicted_intent", MAX_NAME_LENGTH),
        "confidence": float(confidence) if confidence is not None else None,
        "count": count,
        "outcomes": outcomes,
        "correct_intent": correct,
        "knowledge_entry": entry,
        "note": _optional_string(body, "note", MAX_NOTE_LENGTH) or "",
    }


@routes.post("/api/staff/decisions")
async def save_decision(request: web.Request) -> web.Response:
    """POST /api/staff/decisions {key, text, language, correct_intent, ...}: save (or replace) a decision."""
    staff = require_staff(request)
    fields = _decision_fields(await read_json_object(request))
    try:
        decision = await run_db(review_store.save_decision, engine(request), staff["id"], fields)
    except review_store.Conflict as exc:
        raise ApiError(409, str(exc)) from exc
    return web.json_response({"decision": decision}, status=201)


@routes.get("/api/staff/decisions")
async def list_decisions(request: web.Request) -> web.Response:
    """GET /api/staff/decisions[?state=pending|merged|all]: saved decisions, newest first."""
    require_staff(request)
    state = request.query.get("state", "pending")
    if state not in ("pending", "merged", "all"):
        raise ApiError(400, "state must be pending, merged or all.")
    decisions = await run_db(review_store.list_decisions, engine(request), state)
    return web.json_response({"decisions": decisions, "counts": await run_db(review_store.counts, engine(request))})


@routes.delete(r"/api/staff/decisions/{decision_id:\d{1,18}}")
async def withdraw_decision(request: web.Request) -> web.Response:
    """DELETE /api/staff/decisions/{id}: undo a pending decision."""
    require_staff(request)
    try:
        deleted = await run_db(review_store.withdraw_decision, engine(request), int(request.match_info["decision_id"]))
    except review_store.Conflict as exc:
        raise ApiError(409, str(exc)) from exc
    if not deleted:
        raise ApiError(404, "No pending decision with that id.")
    return web.json_response({"deleted": True})


def _run_view(run: Dict[str, Any], reports: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A run for the page: its log's tail and the report it wrote (its last `report: <path>` line), no paths."""
    log = log_tail(Path(run["log_file"]))
    written = [line.split(":", 1)[1].strip() for line in log.splitlines() if line.startswith("report: ")]
    names = {report["name"] for report in reports}
    report = Path(written[-1]).parent.name if written else None
    return {**_without_paths(run), "log": log, "report": report if report in names else None}


def _without_paths(run: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in run.items() if k not in ("review_file", "log_file", "decisions")}


def _retrain_status(request: web.Request) -> Dict[str, Any]:
    runs = review_store.latest_runs(engine(request), 10)
    reports = retrain_reports.list_reports(request.app[REPORTS_DIR])
    return {
        "running": any(run["status"] == "running" for run in runs),
        "latest": _run_view(runs[0], reports) if runs else None,
        "runs": [_without_paths(run) for run in runs],
        "counts": review_store.counts(engine(request)),
        "reports": reports,
    }


@routes.get("/api/staff/retrain")
async def retrain_status(request: web.Request) -> web.Response:
    """GET /api/staff/retrain: the latest run (status, log tail), recent runs, pending count, reports."""
    require_staff(request)
    return web.json_response(await run_db(_retrain_status, request))


@routes.post("/api/staff/retrain")
async def start_retrain(request: web.Request) -> web.Response:
    """POST /api/staff/retrain: write the pending decisions to a review file and start the pipeline on it."""
    staff = require_staff(request)
    try:
        run = await request.app[RETRAIN].start(engine(request), staff["id"])
    except review_store.Conflict as exc:
        raise ApiError(409, str(exc)) from exc
    except OSError as exc:
        raise ApiError(500, f"The retrain could not be started: {exc.strerror or exc}.") from exc
    return web.json_response({"run": _without_paths(run)}, status=202)
