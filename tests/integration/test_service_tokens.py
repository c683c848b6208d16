"""Secrets between the services: the action server answers only Rasa, and no token is on a command line or in a URL.

Against the session's real stack (Rasa started by assistant_components.serve_rasa, the action server with
rasa_sdk_plugins' caller check), and the case store the action server writes to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import requests

from cases import store as case_store
from cases.database import make_engine
from service_secrets.rasa_auth import admin_jwt, auth_headers

pytestmark = pytest.mark.servers

VALID_SLOTS = {
    "handoff_consent": "yes",
    "contact_name": "Mallory",
    "contact": "mallory@example.org",
    "contact_language": "en",
    "case_summary": "please call me",
}


def action_call(sender: str, slots: Dict[str, Any]) -> Dict[str, Any]:
    """What Rasa posts to /webhook to run action_finish_handoff (a tracker that never went through the form)."""
    latest = {"text": "done", "intent": {"name": "inform", "confidence": 1.0}, "entities": []}
    return {
        "next_action": "action_finish_handoff",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"language": "en", **slots},
            "latest_message": latest,
            "events": [{"event": "user", "text": "done", "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def case_of(stack, sender: str) -> Optional[Dict[str, Any]]:
    engine = make_engine(stack.cases_db_url)
    try:
        return case_store.open_case_for_conversation(engine, sender)
    finally:
        engine.dispose()


def post_webhook(stack, body: Dict[str, Any], token: Optional[str]) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(f"{stack.action_url}/webhook", json=body, headers=headers, timeout=30)


def responses_of(reply: requests.Response) -> List[str]:
    return [m.get("response") for m in reply.json().get("responses", [])]


def test_a_forged_action_call_is_refused_and_opens_no_case(stack, sender):
    forged = action_call(sender, VALID_SLOTS)
    missing = post_webhook(stack, forged, None)
    assert missing.status_code == 401 and "token is missing" in missing.json()["error"]
    wrong = post_webhook(stack, forged, "not-" + stack.action_server_token)
    assert wrong.status_code == 403 and "token is wrong" in wrong.json()["error"]
    basic = requests.post(
        f"{stack.action_url}/webhook", json=forged, auth=("rasa", stack.action_server_token), timeout=30
    )
    assert basic.status_code == 401
    assert requests.get(f"{stack.action_url}/actions", timeout=10).status_code == 401
    assert requests.get(f"{stack.action_url}/health", timeout=10).status_code == 200  # stays open for probes
    assert case_of(stack, sender) is None
    # The same call with Rasa's token runs the action: the refusals above were the token's doing.
    authorised = post_webhook(stack, forged, stack.action_server_token)
    assert authorised.status_code == 200 and responses_of(authorised) == ["utter_case_waiting"]
    case = case_of(stack, sender)
    assert case is not None and case["contact"] == "mallory@example.org"


@pytest.mark.parametrize(
    "forged", [{"contact": "mallory at example"}, {"contact": "+32 (0)470 <script>"}, {"handoff_consent": None}]
)
def test_an_authorised_call_with_slots_the_form_never_stores_opens_no_case(stack, sender, forged):
    reply = post_webhook(stack, action_call(sender, {**VALID_SLOTS, **forged}), stack.action_server_token)
    assert reply.status_code == 200 and responses_of(reply) == ["utter_handoff_failed"]
    assert case_of(stack, sender) is None


def test_a_real_conversation_still_reaches_the_actions(stack, sender):
    """Rasa sends the token on every call: a handoff through the form opens its case with the tidied phone."""
    stack.say(sender, "I want to talk to a human")
    for answer in ("/affirm", "Jan", "+32 470 12 34 56", "English", "dispute with my business partner"):
        stack.say(sender, answer)
    case = case_of(stack, sender)
    assert case is not None and case["contact"] == "+32470123456"


def command_lines() -> Dict[int, str]:
    """Every process's command line on this machine (those still there when read)."""
    lines = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
    return lines


def test_no_process_has_a_token_on_its_command_line(stack):
    lines = command_lines()
    assert "assistant_components.serve_rasa" in lines[stack.rasa.process.pid]
    for secret in (stack.token, stack.action_server_token):
        assert not [pid for pid, line in lines.items() if secret in line]


def test_rasa_takes_no_token_from_the_url_only_a_signed_jwt(stack):
    status = f"{stack.rasa_url}/status"
    assert requests.get(status, params={"token": stack.token}, timeout=10).status_code == 401
    assert requests.get(status, headers=auth_headers("x" * 43, "tests"), timeout=10).status_code == 401
    expired = {
        "Authorization": "Bearer " + admin_jwt(stack.token, "tests", lifetime=-600)
    }  # past sanic-jwt's 60 s leeway
    assert requests.get(status, headers=expired, timeout=10).status_code == 401
    assert requests.get(status, headers=stack.rasa_auth(), timeout=10).status_code == 200


def test_the_desk_reads_conversations_from_rasa_without_a_token_in_the_url(stack, sender):
    """Rasa refuses `?token=` (above), so a transcript on the desk proves the desk signs its calls."""
    stack.say(sender, "I want to talk to a human")
    for answer in ("/affirm", "Jan", "jan@example.org", "English", "cash flow"):
        stack.say(sender, answer)
    case = case_of(stack, sender)
    assert case is not None
    stack.create_advisor("tok" + sender[-8:])
    desk = stack.desk_session("tok" + sender[-8:])
    assert desk.post(f"{stack.desk_url}/api/cases/{case['id']}/claim", timeout=10).status_code == 200
    transcript = desk.get(f"{stack.desk_url}/api/cases/{case['id']}/transcript", timeout=30)
    assert transcript.status_code == 200
    assert "cash flow" in [line["text"] for line in transcript.json()["transcript"] if line["who"] == "user"]
