"""Admin-only endpoints: reading the audit log."""

from __future__ import annotations

from aiohttp import web

from cases import store as case_store

from .api_errors import ApiError
from .auth import require_admin
from .web_context import engine, run_db

routes = web.RouteTableDef()


@routes.get("/api/audit")
async def audit_log(request: web.Request) -> web.Response:
    """GET /api/audit[?case_id=]: the audit log, newest first (admins only)."""
    require_admin(request)
    raw_case_id = request.query.get("case_id")
    case_id = None
    if raw_case_id:
        if not raw_case_id.isdigit():
            raise ApiError(400, "case_id must be a number.")
        case_id = int(raw_case_id)
    entries = await run_db(case_store.list_audit, engine(request), case_id)
    return web.json_response({"entries": entries})
