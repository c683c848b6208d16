"""A web conversation belongs to the browser that started it: nobody else hears it or writes into it.

Real Rasa, action server and desk; the clients speak the website widget's socket.io protocol.
"""

from __future__ import annotations

import secrets
import time
import uuid

import pytest
import requests
import socketio
from sqlalchemy import create_engine
from sqlalchemy import text as sql

from tests.chat_client import ChatClient
from tests.servers import text_of

pytestmark = pytest.mark.servers
TRAVERSAL = "x/../victim"


def advisor_says(stack, conversation_id: str, text: str) -> None:
    """What the desk does when an advisor replies: a bot event with side effects through Rasa's HTTP API."""
    response = requests.post(
        f"{stack.rasa_url}/conversations/{conversation_id}/tracker/events",
        params={"execute_side_effects": "true", "output_channel": "latest"},
        headers=stack.rasa_auth(),
        json=[{"event": "bot", "text": text, "metadata": {"advisor": "Eva"}}],
        timeout=30,
    )
    response.raise_for_status()


def texts_in(stack, conversation_id: str) -> str:
    return "\n".join(str(e.get("text") or "") for e in stack.tracker(conversation_id)["events"])


def test_new_conversations_get_an_unguessable_id_and_a_token(stack):
    first, second = ChatClient(stack.rasa_url), ChatClient(stack.rasa_url)
    try:
        one, two = first.request({}), second.request({})
        assert one[0] == two[0] == "session_confirm"
        assert one[1]["resumed"] is False and one[1]["token"]
        assert one[1]["session_id"].startswith("web-") and len(one[1]["session_id"]) >= 36
        assert one[1]["session_id"] != two[1]["session_id"] and one[1]["token"] != two[1]["token"]
    finally:
        first.close()
        second.close()


def refused(client: ChatClient, body: dict) -> str:
    """The code of the `session_error` a `session_request` gets (fails on a confirmation)."""
    event, data = client.request(body)
    assert event == "session_error", (event, data)
    assert data["message"]
    return data["code"]


def test_other_clients_neither_hear_nor_write_into_a_conversation(stack):
    owner = ChatClient(stack.rasa_url).start()
    no_token, wrong_token, guesser, squatter, unbound = (ChatClient(stack.rasa_url) for _ in range(5))
    intruders = [no_token, wrong_token, guesser, squatter, unbound]
    try:
        assert refused(no_token, {"session_id": owner.session_id}) == "invalid_token"
        # A real token, but of another conversation (the intruder's own).
        wrong_token.start()
        assert refused(wrong_token, {"session_id": owner.session_id, "token": wrong_token.token}) == "invalid_token"
        assert refused(guesser, {"session_id": "web-" + secrets.token_urlsafe(24), "token": "guess"}) == "invalid_token"
        assert refused(guesser, {"session_id": "anna-1"}) == "invalid_token"
        # Bound to its own conversation, naming the owner's in the message.
        squatter.start()
        squatter.send("mallory was here (squatter)", session_id=owner.session_id)
        assert squatter.session_events.get(timeout=10)[1]["code"] == "no_session"
        # No session at all.
        unbound.send("mallory was here (unbound)", session_id=owner.session_id)
        assert unbound.session_events.get(timeout=10)[1]["code"] == "no_session"
        for intruder in (no_token, guesser):
            intruder.send("mallory was here (refused)", session_id=owner.session_id)
            assert intruder.session_events.get(timeout=10)[1]["code"] == "no_session"

        assert "Source: http" in text_of(owner.say("what does it cost to register at an enterprise counter?"))
        advisor_says(stack, owner.session_id, "Hello, I am Eva, your advisor.")
        assert any(m.get("text") == "Hello, I am Eva, your advisor." for m in owner.collect(wait=5, quiet=0.5))

        time.sleep(0.5)
        assert all(intruder.drain() == [] for intruder in intruders), "an intruder heard the conversation"
        assert "mallory" not in texts_in(stack, owner.session_id)
    finally:
        for client in (owner, *intruders):
            client.close()


def test_the_owner_resumes_with_the_token_and_sees_the_conversation(stack):
    first_tab = ChatClient(stack.rasa_url).start()
    try:
        first_tab.say("hello")
        advisor_says(stack, first_tab.session_id, "Eva here, from the agency.")
        first_tab.collect(wait=5, quiet=0.5)
    finally:
        first_tab.close()

    reloaded = ChatClient(stack.rasa_url)
    try:
        history = reloaded.resume(first_tab.session_id, first_tab.token)
        assert {"sender": "user", "text": "hello"}.items() <= history[0].items()
        assert any(m["sender"] == "bot" and m["text"] for m in history)
        assert history[-1]["sender"] == "advisor" and history[-1]["text"] == "Eva here, from the agency."
        assert all(isinstance(m["timestamp"], float) for m in history)
        assert "Source: http" in text_of(reloaded.say("what is the winwinlening?"))
        assert "winwinlening" in texts_in(stack, first_tab.session_id)
    finally:
        reloaded.close()


def test_a_browser_from_another_site_cannot_connect(stack):
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient(stack.rasa_url, origin="https://evil.example")


def test_traversal_id_is_refused_on_socketio(stack):
    client = ChatClient(stack.rasa_url)
    try:
        event, data = client.request({"session_id": TRAVERSAL, "token": "anything"})
        assert event == "session_error" and data["code"] == "invalid_id"
        assert "letters, digits" in data["message"]
    finally:
        client.close()


def test_rest_refuses_traversal_and_web_ids(stack, sender):
    webhook = f"{stack.rasa_url}/webhooks/rest/webhook"
    stack.say(sender, "my secret business plan is a vegan frituur")
    traversal = requests.post(webhook, json={"sender": f"x/../{sender}", "message": "hi"}, timeout=30)
    assert traversal.status_code == 400 and "letters, digits" in traversal.json()["error"]
    owner = ChatClient(stack.rasa_url).start()
    try:
        web = requests.post(webhook, json={"sender": owner.session_id, "message": "mallory here"}, timeout=30)
        assert web.status_code == 403 and "browser" in web.json()["error"]
        assert "mallory" not in texts_in(stack, owner.session_id)
    finally:
        owner.close()
    assert "x/../" not in texts_in(stack, sender)


def test_action_server_refuses_a_call_for_a_traversal_id(stack):
    call = {
        "next_action": "action_finish_handoff",
        "sender_id": TRAVERSAL,
        "tracker": {"sender_id": TRAVERSAL, "slots": {}, "latest_message": {}, "events": [], "active_loop": {}},
        "domain": {},
        "version": "3.6.21",
    }
    # with Rasa's token (without it the caller check refuses first: test_service_tokens.py)
    headers = {"Authorization": f"Bearer {stack.action_server_token}"}
    response = requests.post(f"{stack.action_url}/webhook", json=call, headers=headers, timeout=30)
    assert response.status_code == 400
    assert "letters, digits" in response.json()["error"]
    assert response.json()["action_name"] == "action_finish_handoff"


def test_a_case_for_a_traversal_id_never_shows_the_other_conversation(stack):
    """A case row with `mallory/../victim-...` (as stored before ids were checked) reaches no transcript."""
    victim = "victim-" + uuid.uuid4().hex[:12]
    stack.say(victim, "my secret business plan is a vegan frituur")
    engine = create_engine(stack.cases_db_url, future=True)
    with engine.begin() as conn:
        conn.execute(
            sql(
                "insert into cases (conversation_id, status, language, created_at, updated_at)"
                " values (:c, 'waiting', 'en', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"c": f"mallory/../{victim}"},
        )
        case_id = conn.execute(sql("select max(id) from cases")).scalar()
    engine.dispose()
    advisor = "adv" + uuid.uuid4().hex[:8]
    stack.create_advisor(advisor)
    desk = stack.desk_session(advisor)
    claimed = desk.post(f"{stack.desk_url}/api/cases/{case_id}/claim", timeout=10)
    assert claimed.status_code == 200 and "not valid" in claimed.json()["warning"]
    transcript = desk.get(f"{stack.desk_url}/api/cases/{case_id}/transcript", timeout=10)
    assert transcript.status_code == 400 and "not valid" in transcript.json()["error"]
    assert "vegan" not in transcript.text
    reply = desk.post(f"{stack.desk_url}/api/cases/{case_id}/messages", json={"text": "psst"}, timeout=10)
    assert reply.status_code == 400
    events = stack.tracker(victim)["events"]
    assert not any(e["event"] in ("pause", "bot") and e.get("text") == "psst" for e in events)
    assert not any(e["event"] == "pause" for e in events)
