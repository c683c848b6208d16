"""The knowledge base is built when the action server starts, through rasa-sdk's plugin hook, not on import."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, List, Tuple

import pluggy
import pytest
import rasa_sdk.plugin

import rasa_sdk_plugins
from actions.knowledge import base

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_actions_builds_nothing_and_loads_no_desk_code(tmp_path: Path) -> None:
    code = (
        "import actions.answering, actions.dialogue, actions.guidance.advice, actions.guidance.forms\n"
        "from actions.knowledge.base import knowledge_base\n"
        "try:\n    knowledge_base()\nexcept RuntimeError:\n    print('not built')\n"
        "import actions.handoff.actions, actions.handoff.form, rasa_sdk_plugins, sys\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('advisor_desk', 'argon2')))\n"
    )
    env = {"KNOWLEDGE_DB_URL": f"sqlite:///{tmp_path / 'k.db'}", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.split() == ["not", "built", "[]"], result.stderr[-2000:]  # and no desk or argon2 code
    assert not (tmp_path / "k.db").exists()


def test_the_action_server_plugin_builds_the_knowledge_base_before_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOWLEDGE_DB_URL", f"sqlite:///{tmp_path / 'k.db'}")
    manager = pluggy.PluginManager("rasa_sdk")
    manager.add_hookspecs(rasa_sdk.plugin)
    rasa_sdk_plugins.init_hooks(manager)

    class App:
        listeners: List[Tuple[Callable[..., Any], str]] = []
        middleware: List[Tuple[Callable[..., Any], str]] = []
        routes: List[Tuple[Callable[..., Any], str]] = []

        def register_listener(self, listener: Callable[..., Any], event: str) -> None:
            self.listeners.append((listener, event))

        def register_middleware(self, middleware: Callable[..., Any], attach_to: str) -> None:
            self.middleware.append((middleware, attach_to))

        def add_route(self, handler: Callable[..., Any], uri: str, **_: Any) -> None:
            self.routes.append((handler, uri))

    app = App()
    manager.hook.attach_sanic_app_extensions(app=app)
    assert [event for _, event in app.listeners] == ["before_server_start"]
    # the caller check (Rasa's token) first, then the conversation id check
    assert [(m.__name__, where) for m, where in app.middleware] == [
        ("check_caller", "request"),
        ("refuse_invalid_conversation_ids", "request"),
    ]
    assert app.routes == [(rasa_sdk_plugins.ready, "/health/ready")]
    base.set_knowledge_base(None)
    try:
        asyncio.run(app.listeners[0][0](app, None))
        assert base.knowledge_base().get("registration_cost") is not None
        assert (tmp_path / "k.db").exists()
    finally:
        base.set_knowledge_base(None)
