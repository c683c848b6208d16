"""Conversation ids, web ids, ownership tokens and the secret they are signed with."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cases import conversation_ids as ids

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value", ["a", "test-0123abcd", "web-" + "A_b-9" * 10, "x" * 128, "Anna_1"])
def test_valid_ids(value):
    assert ids.is_valid_id(value) and ids.problem_with_id(value) is None


@pytest.mark.parametrize(
    "value",
    ["", "x/../victim", "../victim", "a/b", "a.b", "a b", "a%2Fb", "é", "a\n", "x" * 129, None, 42, ["a"]],
)
def test_invalid_ids_are_refused_with_a_sentence(value):
    assert not ids.is_valid_id(value)
    assert ids.problem_with_id(value) == "Conversation ids are 1–128 letters, digits, '-' or '_'."


def test_web_ids_are_valid_distinct_and_marked():
    drawn = {ids.new_web_id() for _ in range(1000)}
    assert len(drawn) == 1000
    assert all(ids.is_valid_id(i) and ids.is_web_id(i) and len(i) == 36 for i in drawn)
    assert not ids.is_web_id("test-1")


def test_a_token_opens_only_its_own_conversation_under_its_own_secret():
    secret, other_secret = b"s" * 32, b"t" * 32
    token = ids.sign("web-abc", secret)
    assert "=" not in token and ids.is_valid_id(token)  # base64url without padding
    assert ids.verify("web-abc", token, secret)
    assert not ids.verify("web-abd", token, secret)
    assert not ids.verify("web-abc", token, other_secret)
    assert not ids.verify("web-abc", token[:-1], secret)
    assert not ids.verify("web-abc", None, secret)
    assert not ids.verify("web-abc", "ü" * 43, secret)
    assert not ids.verify("x/../web-abc", ids.sign("x/../web-abc", secret), secret)


def test_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHAT_SECRET", "from the environment")
    assert ids.chat_secret() == b"from the environment"


def test_secret_file_is_made_once_private_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("CHAT_SECRET", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    first = ids.chat_secret()
    path = tmp_path / "chat_secret"
    assert len(first) == 32 and path.read_bytes() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ids.chat_secret() == first
    assert sorted(os.listdir(tmp_path)) == ["chat_secret"]  # no drafts left behind


def test_processes_starting_together_share_one_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CHAT_SECRET"}
    env["VAR_DIR"] = str(tmp_path)
    code = "import sys; from cases.conversation_ids import chat_secret; sys.stdout.write(chat_secret().hex())"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE) for _ in range(4)
    ]
    seen = {p.communicate(timeout=60)[0] for p in processes}
    assert len(seen) == 1 and bytes.fromhex(seen.pop().decode()) == (tmp_path / "chat_secret").read_bytes()


def test_importing_does_no_work(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}
    code = "import cases.conversation_ids, assistant_components.socketio_channel"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
    assert not (tmp_path / "var").exists()
