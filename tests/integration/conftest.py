"""One real stack (action server, Rasa server, advisor desk) for all integration tests, started once."""

from __future__ import annotations

import uuid

import pytest

from tests.servers import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("stack")
    running = Stack(workdir)
    try:
        running.start()
    except RuntimeError as error:
        running.stop()
        raise RuntimeError(
            "stack failed to start\n--- rasa log\n"
            + running.rasa.log()[-4000:]
            + "\n--- actions log\n"
            + running.actions.log()[-4000:]
            + "\n--- desk log\n"
            + running.desk.log()[-2000:]
        ) from error
    yield running
    running.stop()


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
