"""Smaller parts on their own: transcript mapping, hand-back texts, the Rasa client, the CLI, startup."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from advisor_desk import accounts, manage
from advisor_desk.handback import handback_message
from advisor_desk.rasa_client import InvalidConversationId, RasaClient, RasaError, RasaUnavailable
from advisor_desk.transcript import events_to_transcript

from .support import RASA_TOKEN, FakeRasa

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_transcript_keeps_what_the_entrepreneur_saw() -> None:
    events = [
        {"event": "session_started", "timestamp": 1},
        {"event": "user", "text": "Ik zoek financiering", "timestamp": 2},
        {"event": "slot", "name": "topic", "value": "financing", "timestamp": 2.5},
        {
            "event": "bot",
            "text": "Waarvoor?",
            "data": {"buttons": [{"title": "Starten"}, {"title": "Groeien"}]},
            "timestamp": 3,
        },
        {"event": "pause", "timestamp": 4},
        {"event": "pause", "timestamp": 4.5},
        {"event": "bot", "text": "Dag, Anna hier.", "metadata": {"advisor": "Anna"}, "timestamp": 5},
        {"event": "resume", "timestamp": 6},
        {"event": "resume", "timestamp": 7},
    ]
    assert [(line["who"], line["text"], line["at"]) for line in events_to_transcript(events)] == [
        ("user", "Ik zoek financiering", 2.0),
        ("bot", "Waarvoor? [Starten | Groeien]", 3.0),
        ("system", "conversation paused", 4.0),
        ("advisor", "Dag, Anna hier.", 5.0),
        ("system", "bot resumed", 6.0),
    ]


def test_handback_texts_per_language() -> None:
    english, dutch = handback_message("en"), handback_message("nl")
    assert english.startswith("The advisor has closed this conversation.")
    assert "permits" in english and "financing" in english
    assert "adviseur" in dutch and "vergunningen" in dutch and dutch != english
    assert handback_message("fr") == english
    assert handback_message(None) == english


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    rasa = FakeRasa()
    rasa.server.start()
    yield rasa
    rasa.server.stop()


def call(client: RasaClient, action: Callable[[RasaClient], Awaitable[Any]]) -> Any:
    """Run client calls in a fresh loop, closing the client's connection pool afterwards."""

    async def main() -> Any:
        try:
            return await action(client)
        finally:
            await client.close()

    return asyncio.run(main())


def test_client_sends_the_token_and_the_advisor_reply(fake_rasa: FakeRasa) -> None:
    client = RasaClient(fake_rasa.server.url, RASA_TOKEN, output_channel="socketio")
    conversation = "web-Ab_9-xyz"

    async def calls(c: RasaClient) -> Any:
        await c.send_advisor_message(conversation, "Hallo", "Anna")
        await c.set_slot(conversation, "case_id", 7)
        return await c.transcript(conversation)

    lines = call(client, calls)
    assert [(line["who"], line["text"]) for line in lines] == [("advisor", "Hallo")]
    posts = fake_rasa.posts_for(conversation)
    assert posts[0]["query"]["output_channel"] == "socketio"
    assert posts[1]["events"] == [{"event": "slot", "name": "case_id", "value": 7}]
    assert "execute_side_effects" not in posts[1]["query"]
    # the token signs a short-lived admin JWT in the header, and is never in the URL
    assert all("token" not in p["query"] and RASA_TOKEN not in p["authorization"] for p in posts)
    claims = [jwt.decode(p["authorization"].split()[1], RASA_TOKEN, algorithms=["HS256"]) for p in posts]
    assert all(c["user"] == {"username": "advisor_desk", "role": "admin"} for c in claims)
    assert all(0 < c["exp"] - time.time() <= 300 for c in claims)


@pytest.mark.parametrize("odd_id", ["mallory/../victim-123", "../victim-123", "victim-123/", "web user?x=1", ""])
def test_client_never_builds_a_url_from_an_invalid_id(fake_rasa: FakeRasa, odd_id: str) -> None:
    """The URL library resolves '..': `mallory/../victim-123` would have read and written victim-123's conversation."""
    fake_rasa.events["victim-123"] = [{"event": "user", "text": "my secret plan", "timestamp": 1.0}]
    client = RasaClient(fake_rasa.server.url, RASA_TOKEN)
    for action in (
        lambda c: c.transcript(odd_id),
        lambda c: c.send_advisor_message(odd_id, "hi", "Anna"),
        lambda c: c.resume(odd_id),
    ):
        with pytest.raises(InvalidConversationId, match="not valid"):
            call(client, action)
    assert fake_rasa.posts == []


def test_client_errors_are_readable(fake_rasa: FakeRasa) -> None:
    wrong_token = RasaClient(fake_rasa.server.url, "wrong")
    with pytest.raises(RasaError, match="RASA_TOKEN") as refused:
        call(wrong_token, lambda c: c.pause("c1"))
    assert not isinstance(refused.value, RasaUnavailable)

    fake_rasa.fail_status = 502
    failing = RasaClient(fake_rasa.server.url, RASA_TOKEN)
    with pytest.raises(RasaUnavailable, match="HTTP 502"):
        call(failing, lambda c: c.tracker("c1"))

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    nobody = RasaClient(f"http://127.0.0.1:{closed_port}", RASA_TOKEN, timeout=2)
    with pytest.raises(RasaUnavailable, match="cannot be reached"):
        call(nobody, lambda c: c.resume("c1"))


@pytest.fixture
def cases_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    monkeypatch.setenv("CASES_DB_URL", url)
    return url


def test_cli_creates_and_lists_advisors(
    cases_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESK_PASSWORD", "a long enough password")
    args = ["create-advisor", "--username", "anna", "--role", "admin", "--display-name", "Anna P"]
    assert manage.main(args) == 0
    assert "created admin anna" in capsys.readouterr().out
    assert manage.main(args) == 1
    assert "already taken" in capsys.readouterr().err

    assert manage.main(["list-advisors"]) == 0
    listing = capsys.readouterr().out
    assert "anna" in listing and "admin" in listing and "Anna P" in listing

    engine = manage.engine_from_env()
    assert accounts.verify_login(engine, "anna", "a long enough password")["role"] == "admin"
    engine.dispose()


def test_cli_refuses_weak_or_mistyped_passwords(
    cases_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESK_PASSWORD", "short")
    assert manage.main(["create-advisor", "--username", "ben"]) == 1
    assert "at least 12" in capsys.readouterr().err

    monkeypatch.delenv("DESK_PASSWORD")
    typed = iter(["first long password", "second long password"])
    monkeypatch.setattr(manage.getpass, "getpass", lambda _prompt: next(typed))
    assert manage.main(["create-advisor", "--username", "ben"]) == 1
    assert "do not match" in capsys.readouterr().err
    assert manage.main(["list-advisors"]) == 0
    assert "no advisors yet" in capsys.readouterr().out


def test_python_m_advisor_desk_serves_health(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "CASES_DB_URL": f"sqlite:///{tmp_path / 'cases.db'}",
        "DESK_PORT": str(port),
        "PATH": "/usr/bin:/bin",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "advisor_desk", "--host", "127.0.0.1"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/health/live", timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "desk did not start within 20 s"
                time.sleep(0.1)
        assert response.json() == {"status": "ok"}
        login = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=5)
        assert login.status_code == 302
        assert (tmp_path / "cases.db").exists()
    finally:
        process.terminate()
        process.wait(10)
