"""Production logs: every line of every service is one JSON object, and none holds what the user typed.

A stack of its own with LOG_FORMAT=json: a user types a message with an e-mail address and a phone number
and hands over with contact details; an advisor reads the case on the desk. Then every line the Rasa
server, the action server, the desk and the website wrote is parsed as JSON and searched for the text and
the contact data.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.servers import Stack

pytestmark = pytest.mark.servers

QUESTION = "hoe registreer ik mijn zaak, mail naar lotte.vermeulen@voorbeeld.be of bel 0471 23 45 67"
CONTACT = "lotte.vermeulen@voorbeeld.be"
SECRETS = [QUESTION, CONTACT, "0471 23 45 67", "0471234567", "Lotte Vermeulen", "onze facturen blijven liggen"]


@pytest.fixture(scope="module")
def json_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("json-logs"), website=True, extra_env={"LOG_FORMAT": "json"})
    try:
        running.start()
        yield running
    finally:
        running.stop()


def log_lines(stack: Stack) -> Dict[str, List[str]]:
    return {
        service.name: [line for line in service.log().splitlines() if line.strip()]
        for service in (stack.rasa, stack.actions, stack.desk, stack.website)
    }


def test_every_log_line_is_json_without_the_users_words(json_stack: Stack) -> None:
    sender = "json-" + uuid.uuid4().hex[:10]
    json_stack.say(sender, QUESTION)
    json_stack.say(sender, "I want to talk to a human")
    for answer in ("/affirm", "Lotte Vermeulen", CONTACT, "Nederlands", "onze facturen blijven liggen"):
        json_stack.say(sender, answer)
    case_id = json_stack.tracker(sender)["slots"]["case_id"]
    assert case_id
    json_stack.create_advisor("jsonlogs")
    desk = json_stack.desk_session("jsonlogs")
    transcript = desk.get(f"{json_stack.desk_url}/api/cases/{case_id}/transcript", timeout=30)
    assert transcript.status_code == 200 and CONTACT in transcript.text  # the desk did read the conversation
    assert requests.get(f"{json_stack.website_url}/", timeout=10).status_code == 200

    lines = log_lines(json_stack)
    parsed: Dict[str, List[Dict[str, Any]]] = {}
    for service, texts in lines.items():
        assert texts, f"{service} logged nothing"
        parsed[service] = []
        for text in texts:
            try:
                record = json.loads(text)
            except ValueError:
                pytest.fail(f"{service} wrote a line that is not JSON: {text[:300]}")
            assert isinstance(record, dict) and {"time", "level", "logger", "message"} <= record.keys(), text[:300]
            parsed[service].append(record)
        for secret in SECRETS:
            assert not [t for t in texts if secret.lower() in t.lower()], f"{service} logged {secret!r}"
    assert any(r["logger"] == "actions.knowledge.base" for r in parsed["actions"])  # the action server's own lines
    # the desk's access log, the transcript request naming its conversation
    assert any(r["logger"] == "aiohttp.access" and r.get("conversation_id") == sender for r in parsed["desk"])
