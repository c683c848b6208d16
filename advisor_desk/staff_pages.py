"""The staff pages: overview, review inbox, retrain and reports. Advisors without the staff role get a 403 page."""

from __future__ import annotations

from typing import Any, Dict

from aiohttp import web

from . import retrain_reports
from .access import is_staff
from .pages import render
from .web_context import REPORTS_DIR, current_advisor, run_db

routes = web.RouteTableDef()


def staff_or_forbidden(request: web.Request) -> Dict[str, Any]:
    """The current advisor if staff or admin; else the 403 page (a page, not JSON: a person is reading)."""
    advisor = current_advisor(request)
    if not is_staff(advisor):
        page = render("forbidden.html", advisor=advisor)
        raise web.HTTPForbidden(text=page.text, content_type="text/html")
    return advisor


@routes.get("/staff")
async def overview_page(request: web.Request) -> web.Response:
    """GET /staff: the overview charts (the page staff open on)."""
    return render("staff_overview.html", advisor=staff_or_forbidden(request), section="overview")


@routes.get("/staff/inbox")
async def inbox_page(request: web.Request) -> web.Response:
    """GET /staff/inbox: the review inbox with filters, context, decisions and keyboard shortcuts."""
    return render("staff_inbox.html", advisor=staff_or_forbidden(request), section="inbox")


@routes.get("/staff/reports")
async def reports_page(request: web.Request) -> web.Response:
    """GET /staff/reports: start a retrain, follow it, and the list of retrain reports."""
    return render("staff_reports.html", advisor=staff_or_forbidden(request), section="reports")


@routes.get("/staff/reports/{name}")
async def report_page(request: web.Request) -> web.Response:
    """GET /staff/reports/{name}: one report, rendered from its Markdown without any raw HTML."""
    advisor = staff_or_forbidden(request)
    reports_dir = request.app[REPORTS_DIR]
    name = request.match_info["name"]
    folder = retrain_reports.find_report(reports_dir, name)
    if folder is None:
        raise web.HTTPNotFound(text="No such report.")
    blocks = await run_db(retrain_reports.report_blocks, folder)
    chart = retrain_reports.find_image(reports_dir, name, "f1.png")
    shows_chart = any(block["kind"] == "image" for block in blocks)
    return render(
        "staff_report.html",
        advisor=advisor,
        section="reports",
        name=name,
        blocks=blocks,
        chart=f"/staff/reports/{name}/f1.png" if chart is not None and not shows_chart else None,
    )


@routes.get("/staff/reports/{name}/{filename}")
async def report_image(request: web.Request) -> web.StreamResponse:
    """GET /staff/reports/{name}/{file}.png: a chart of a listed report (never any other file)."""
    staff_or_forbidden(request)
    image = retrain_reports.find_image(
        request.app[REPORTS_DIR], request.match_info["name"], request.match_info["filename"]
    )
    if image is None:
        raise web.HTTPNotFound(text="No such chart.")
    return web.FileResponse(image, headers={"Content-Type": "image/png", "Cache-Control": "private, no-cache"})
