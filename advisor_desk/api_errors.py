"""One error shape for the JSON API: `{"error": "..."}` with the right status, never a traceback."""

from __future__ import annotations

import errno
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .rasa_client import InvalidConversationId, RasaError

log = logging.getLogger(__name__)

# The database server is down or unreachable (not a bug in a query): the advisor can simply try again.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
DATABASE_UNAVAILABLE = "The desk's database is temporarily unavailable. Please try again in a moment."

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """Raised by handlers; turned into a JSON error response by `error_middleware`."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error_response(status: int, message: str, **extra: Any) -> web.Response:
    """A JSON error response: `{"error": message, ...extra}` with `status`."""
    return web.json_response({"error": message, **extra}, status=status)


def is_api_path(request: web.Request) -> bool:
    """Whether the request is for the JSON API (errors as JSON) rather than a page."""
    return request.path.startswith("/api/")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map every failure of an API call to JSON: the desk's scripts always get a readable error."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.message, **exc.extra)
    except InvalidConversationId as exc:
        return error_response(400, str(exc))
    except RasaError as exc:
        log.warning("Rasa call failed on %s %s: %s", request.method, request.path, exc)
        return error_response(502, str(exc))
    except DATABASE_DOWN as exc:
        log.warning("Case database unavailable on %s %s: %s", request.method, request.path, exc)
        if is_api_path(request):
            return error_response(503, DATABASE_UNAVAILABLE)
        return web.Response(status=503, text=DATABASE_UNAVAILABLE, headers={"Retry-After": "10"})
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        # a static file name longer than the file system allows: no such file
        return error_response(404, "Not found.") if is_api_path(request) else web.Response(status=404, text="Not found")
    except web.HTTPException as exc:
        if is_api_path(request) and exc.status >= 400:
            return error_response(exc.status, exc.reason)
        raise
    except Exception:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        if is_api_path(request):
            return error_response(500, "Internal error; the desk log has the details.")
        raise
