"""Handoff end to end: real Rasa server, action server, advisor desk and a socket.io chat client."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy import text as sql

from tests.chat_client import ChatClient
from tests.servers import ALWAYS_CLOSED, ALWAYS_OPEN, text_of

pytestmark = pytest.mark.servers


def hand_over(chat: ChatClient, first: str = "I'd like to talk to a person please") -> str:
    """Go through the handoff questions as a cooperative user; returns everything the bot said."""
    said = [chat.say(first)]
    for answer in ("/affirm", "An", "an.peeters@example.com", "English", "payment problems with a supplier"):
        said.append(chat.say(answer))
    return "\n".join(text_of(s) for s in said)


@pytest.fixture
def advisor_name():
    return "adv" + uuid.uuid4().hex[:8]


def test_handoff_claim_live_reply_and_hand_back(stack, advisor_name):
    stack.office_hours.write_text(ALWAYS_OPEN)
    chat = ChatClient(stack.rasa_url).start()
    try:
        said = hand_over(chat)
        assert "consent" in said.lower() and "case" in said.lower()
        tracker = stack.tracker(chat.session_id)
        case_id = tracker["slots"]["case_id"]
        assert case_id and any(e["event"] == "pause" for e in tracker["events"])

        # While the advisor holds the conversation the bot stays silent.
        assert chat.say("hello? is anyone there?", wait=4) == []

        stack.create_advisor(advisor_name)
        desk = stack.desk_session(advisor_name)
        queue_ids = [str(c["id"]) for c in desk.get(f"{stack.desk_url}/api/queue", timeout=10).json()["cases"]]
        assert case_id in queue_ids
        assert desk.post(f"{stack.desk_url}/api/cases/{case_id}/claim", timeout=10).status_code == 200
        transcript = desk.get(f"{stack.desk_url}/api/cases/{case_id}/transcript", timeout=10).json()["transcript"]
        user_lines = [line["text"] for line in transcript if line["who"] == "user"]
        assert "payment problems with a supplier" in user_lines and "hello? is anyone there?" in user_lines

        started = time.time()
        reply = desk.post(
            f"{stack.desk_url}/api/cases/{case_id}/messages",
            json={"text": "Hi An, I'm your advisor. Tell me more."},
            timeout=10,
        )
        assert reply.status_code == 200
        pushed = chat.collect(wait=5, quiet=0.5)
        assert any(m.get("text") == "Hi An, I'm your advisor. Tell me more." for m in pushed)
        assert time.time() - started < 3

        assert chat.say("Our biggest customer pays 90 days late.", wait=3) == []
        transcript = desk.get(f"{stack.desk_url}/api/cases/{case_id}/transcript", timeout=10).json()["transcript"]
        assert any(line["text"] == "Our biggest customer pays 90 days late." for line in transcript)
        assert any(line["who"] == "advisor" for line in transcript)

        assert desk.post(f"{stack.desk_url}/api/cases/{case_id}/resolve", timeout=20).status_code == 200
        handback = chat.collect(wait=5, quiet=0.5)
        assert handback, "the entrepreneur sees the hand-back message"
        answer = text_of(chat.say("how much does registering at the enterprise counter cost?"))
        assert "105.50" in answer
    finally:
        chat.close()


def test_declining_consent_keeps_the_bot_talking(stack, sender):
    stack.office_hours.write_text(ALWAYS_OPEN)
    stack.say(sender, "can I speak to an advisor?")
    text = text_of(stack.say(sender, "/deny"))
    assert "won't pass anything on" in text
    tracker = stack.tracker(sender)
    assert not tracker["slots"].get("case_id")
    assert not any(e["event"] == "pause" for e in tracker["events"])
    assert "Source: http" in text_of(stack.say(sender, "what is the winwinlening?"))


def answer_handoff(stack, sender):
    for answer in ("/affirm", "Jan", "+32 470 12 34 56", "English", "dispute with my business partner"):
        replies = stack.say(sender, answer)
    return text_of(replies)


def test_off_hours_become_a_callback_and_asking_twice_gives_one_case(stack, sender):
    stack.office_hours.write_text(ALWAYS_CLOSED)
    try:
        stack.say(sender, "I want to talk to a human")
        text = answer_handoff(stack, sender)
        assert "callback" in text
        tracker = stack.tracker(sender)
        case_id = tracker["slots"]["case_id"]
        assert case_id and not any(e["event"] == "pause" for e in tracker["events"])

        again = text_of(stack.say(sender, "can I please talk to an advisor"))
        assert f"case {case_id}" in again and "already" in again
        engine = create_engine(stack.cases_db_url, future=True)
        with engine.connect() as conn:
            count = conn.execute(sql("select count(*) from cases where conversation_id = :c"), {"c": sender}).scalar()
        assert count == 1
    finally:
        stack.office_hours.write_text(ALWAYS_OPEN)


def test_restart_does_not_unpause_a_conversation_an_advisor_holds(stack, sender):
    stack.office_hours.write_text(ALWAYS_OPEN)
    stack.say(sender, "my company can't pay its suppliers anymore and I'm scared of bankruptcy")
    answer_handoff(stack, sender)
    assert stack.tracker(sender)["slots"]["case_id"]
    assert stack.say(sender, "/restart") == []
    assert stack.say(sender, "hello") == []
    events = stack.tracker(sender)["events"]
    last_pause = max(i for i, e in enumerate(events) if e["event"] == "pause")
    assert not any(e["event"] == "resume" for e in events[last_pause:])


def test_a_new_session_keeps_a_held_conversation_paused(stack, sender):
    """Session expiry runs action_session_start, which would un-pause; ours pauses again and keeps the case."""
    stack.office_hours.write_text(ALWAYS_OPEN)
    stack.say(sender, "I need to talk to an advisor about a dispute with my co-founder")
    answer_handoff(stack, sender)
    case_id = stack.tracker(sender)["slots"]["case_id"]
    response = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/execute",
        headers=stack.rasa_auth(),
        json={"name": "action_session_start"},
        timeout=30,
    )
    assert response.status_code == 200
    tracker = stack.tracker(sender)
    assert tracker["slots"]["case_id"] == case_id
    events = tracker["events"]
    last_session = max(i for i, e in enumerate(events) if e["event"] == "session_started")
    assert any(e["event"] == "pause" for e in events[last_session:])
    assert stack.say(sender, "hello?") == []
