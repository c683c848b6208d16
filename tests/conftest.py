"""Shared test set-up: unit tests never touch the project's own var/ databases; one real stack for server tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from tests.servers import Stack

_scratch = tempfile.mkdtemp(prefix="assistant-tests-")
os.environ.setdefault("KNOWLEDGE_DB_URL", f"sqlite:///{_scratch}/knowledge.db")
os.environ.setdefault("CASES_DB_URL", f"sqlite:///{_scratch}/cases.db")
# every SQLite file the code under test opens through VAR_DIR goes to the scratch folder
os.environ["VAR_DIR"] = _scratch


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One real stack (action server, Rasa server, advisor desk) for the session, started on first use.

    Shared by the integration tests and the browser tests of the chat (which also start its website).
    """
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
