"""Start-up work of the action server, through rasa-sdk's plugin hook.

`rasa run actions` (rasa-sdk 3.6) imports a package named `rasa_sdk_plugins` when it is importable (the
repository root is on the path) and calls `init_hooks` before it starts serving. The hook below adds a
Sanic listener that builds the knowledge base once (YAML -> SQL store -> retrieval index) and hands it to
the actions, so importing `actions` does no work and the first question is as fast as the others; two
request middlewares: one that refuses every caller but the Rasa server (`caller_check`, the shared
ACTION_SERVER_TOKEN), then one that refuses action calls for invalid conversation ids (`conversation_check`);
and `GET /health/ready`, which checks the knowledge base and the databases the actions use (`readiness`).
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import pluggy
from sanic import Sanic

from rasa_sdk_plugins.caller_check import refuse_other_callers
from rasa_sdk_plugins.conversation_check import refuse_invalid_conversation_ids
from rasa_sdk_plugins.readiness import ready
from service_logging.setup import configure as configure_logging
from service_logging.setup import json_logs_wanted, production_mode
from service_secrets.tokens import ACTION_SERVER_TOKEN

hookimpl = pluggy.HookimplMarker("rasa_sdk")
logger = logging.getLogger(__name__)


def set_up_actions() -> None:
    """Build the knowledge base and hand it to the actions (also usable outside the action server)."""
    from actions.knowledge.base import build_knowledge_base, set_knowledge_base

    set_knowledge_base(build_knowledge_base())


async def _before_server_start(_app: Sanic, _loop: Any) -> None:
    set_up_actions()


def expected_token() -> Optional[str]:
    """The token callers must bear: ACTION_SERVER_TOKEN(_FILE); in production generated when unset; else None.

    None (the bare `rasa run actions` of a developer or an evaluation script, which the repository's
    endpoints.yml calls without a header) means: callers on this machine only. A missing
    ACTION_SERVER_TOKEN_FILE stops the server here.
    """
    token = ACTION_SERVER_TOKEN.configured()
    if token or not production_mode():
        if not token:
            logger.warning("No ACTION_SERVER_TOKEN set: this action server answers callers on this machine only.")
        return token
    return ACTION_SERVER_TOKEN.get()


class ActionServerSetUp:
    """The plugin: registers the start-up listener and the id check on the action server's Sanic app."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        """Run `set_up_actions` before serving; check every call's token, then its conversation id; /health/ready."""
        if json_logs_wanted():  # production: JSON lines instead of rasa-sdk's coloured ones
            configure_logging("action_server", force_json=True)
        app.register_listener(_before_server_start, "before_server_start")
        app.register_middleware(refuse_other_callers(expected_token()), "request")
        app.register_middleware(refuse_invalid_conversation_ids, "request")
        app.add_route(ready, "/health/ready", methods=["GET"], name="health_ready")


def init_hooks(manager: pluggy.PluginManager) -> None:
    """Called by `rasa_sdk.plugin` when the action server starts."""
    manager.register(ActionServerSetUp())
