"""Conversations survive a restart of the whole stack, on the SQLite default and on PostgreSQL.

The stack is started with the tracker store that `TRACKER_DB_URL` names (written into Rasa's endpoints file
by staff_review.tracker_db, as `make run` does), a user talks over REST, everything stops and starts again,
and the conversation is read back through Rasa's HTTP API and through the staff tools' engine.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from pathlib import Path
from typing import List

import pytest
from sqlalchemy import text

from staff_review.tracker_db import tracker_engine_from_env
from tests.postgres_support import temporary_database
from tests.servers import Stack

pytestmark = pytest.mark.servers


def user_texts(tracker: dict) -> List[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def started(stack: Stack) -> Stack:
    try:
        stack.start()
    except RuntimeError as error:
        stack.stop()
        raise RuntimeError(f"{error}\n--- rasa log\n{stack.rasa.log()[-4000:]}") from error
    return stack


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_conversation_survives_a_restart(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = temporary_database("tracker_test") if backend == "postgres" else nullcontext(None)
    with database as url:
        stack = started(Stack(tmp_path, tracker_db_url=url))
        sender = f"persist-{uuid.uuid4().hex[:10]}"
        try:
            assert stack.say(sender, "hoe start ik als zelfstandige?"), "the bot answered nothing"
            before = stack.tracker(sender)
            assert user_texts(before) == ["hoe start ik als zelfstandige?"]
            bot_before = [e["text"] for e in before["events"] if e["event"] == "bot"]
            assert bot_before

            stack.stop()
            started(stack)

            after = stack.tracker(sender)
            assert user_texts(after) == ["hoe start ik als zelfstandige?"]
            assert [e["text"] for e in after["events"] if e["event"] == "bot"] == bot_before
            # and the conversation goes on where it was
            assert stack.say(sender, "which subsidies fit my company?")
            both = ["hoe start ik als zelfstandige?", "which subsidies fit my company?"]
            assert user_texts(stack.tracker(sender)) == both
        finally:
            stack.stop()

        # The staff tools read the same store the server wrote to.
        monkeypatch.setenv("TRACKER_DB_URL", stack.tracker_db_url)
        engine = tracker_engine_from_env()
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": sender}
                ).scalar()
            assert rows == 2
            assert engine.dialect.name == ("postgresql" if backend == "postgres" else "sqlite")
        finally:
            engine.dispose()
