"""The REST channel's own token (production mode), checked on the real channel served on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Iterator

import pytest
import requests

from assistant_components.rest_channel import TOKEN_ENV
from tests.servers import ROOT, free_port, wait_until

TOKEN = "rest-channel-test-token"
BODY = {"sender": "partner-portal-7", "message": "hello"}


def serve(token: str) -> Iterator[str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
    if token:
        env[TOKEN_ENV] = token
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.rest_channel_server", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/webhooks/rest/"
    try:
        wait_until(lambda: requests.get(base, timeout=2).ok, 60, "REST channel")
        yield base + "webhook"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def with_token() -> Iterator[str]:
    yield from serve(TOKEN)


@pytest.fixture(scope="module")
def without_token() -> Iterator[str]:
    yield from serve("")


def test_with_a_token_configured_a_caller_without_it_is_refused(with_token: str) -> None:
    wrong = ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"})
    for headers in wrong:
        refused = requests.post(with_token, json=BODY, headers=headers, timeout=10)
        assert refused.status_code == 401, headers
        assert "REST_CHANNEL_TOKEN" in refused.json()["error"]


def test_with_a_token_configured_its_bearer_is_answered(with_token: str) -> None:
    answered = requests.post(with_token, json=BODY, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert answered.status_code == 200
    assert answered.json() == [{"recipient_id": "partner-portal-7", "text": "echo: hello"}]


def test_without_a_token_the_embedded_default_answers_anyone(without_token: str) -> None:
    answered = requests.post(without_token, json=BODY, timeout=10)
    assert answered.status_code == 200 and answered.json()[0]["text"] == "echo: hello"
