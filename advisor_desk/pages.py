"""Server-rendered HTML pages; the data arrives through the JSON API from small scripts in static/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from .web_context import ADVISOR, current_advisor

TEMPLATE_DIR = Path(__file__).with_name("templates")
routes = web.RouteTableDef()

# Autoescape everything: case data comes from entrepreneurs and must never become markup.
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, **context: Any) -> web.Response:
    """An HTML response from a Jinja2 template in templates/."""
    html = _templates.get_template(template).render(**context)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    """GET /login: the login form."""
    if ADVISOR in request:
        raise web.HTTPFound("/")
    return render("login.html", advisor=None)


@routes.get("/")
async def queue_page(request: web.Request) -> web.Response:
    """GET /: the queue and the advisor's own cases."""
    return render("queue.html", advisor=current_advisor(request))


@routes.get(r"/cases/{case_id:\d{1,18}}")
async def case_page(request: web.Request) -> web.Response:
    """GET /cases/{id}: one case, its transcript, notes and actions."""
    return render(
        "case.html",
        advisor=current_advisor(request),
        case_id=int(request.match_info["case_id"]),
    )
