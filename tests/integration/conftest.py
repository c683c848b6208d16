"""Integration tests share the session's real stack (`stack`, tests/conftest.py): fresh ids, action server up."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def sender():
    """A fresh conversation id per test: conversations never leak into each other."""
    return "test-" + uuid.uuid4().hex[:12]


@pytest.fixture(autouse=True)
def action_server_running(request):
    """Every server test starts with the action server up, whatever ran before it (no test relies on file order)."""
    if "stack" in request.fixturenames:
        running = request.getfixturevalue("stack")
        process = running.actions.process
        if process is None or process.poll() is not None:
            running.actions.start()
            running.wait_for_actions()
    yield
