"""Helpers for the fault and fuzz tests: raw calls to a Stack's services, and checks on what comes back."""

from __future__ import annotations

import os
import signal
from typing import Any, Dict, List, Optional

import requests

from tests.servers import Stack, wait_until

TRACE_MARKERS = ("Traceback", 'File "', "Exception:", "sqlalchemy.exc", "psycopg2", "redis.exceptions")


def rest_headers(stack: Stack) -> Dict[str, str]:
    """The REST channel's bearer token when the stack's Rasa runs with REST_CHANNEL_TOKEN, else nothing."""
    token = stack.env.get("REST_CHANNEL_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def rest_post(stack: Stack, sender: str, text: str, timeout: float = 60) -> requests.Response:
    """One message over the REST channel, whatever the answer (stack.say raises on errors)."""
    return requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=rest_headers(stack),
        timeout=timeout,
    )


def assert_no_trace(body: str) -> None:
    """No stack trace, exception class or driver message in a body a client sees."""
    for marker in TRACE_MARKERS:
        assert marker not in body, (marker, body[:2000])


def user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def bot_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]


def kill_hard(process_group_leader: Optional[int]) -> None:
    """SIGKILL a service's whole process group: no shutdown handlers run, as in a crash or an OOM kill."""
    assert process_group_leader is not None
    os.killpg(process_group_leader, signal.SIGKILL)


def wait_for_rasa(stack: Stack) -> None:
    """Until the (re)started Rasa server has loaded its model."""
    wait_until(
        lambda: requests.get(f"{stack.rasa_url}/status", headers=stack.rasa_auth(), timeout=5).json()["model_file"],
        300,
        "Rasa server (model loaded)",
    )
