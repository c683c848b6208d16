"""Generated secrets are private from their first byte, made once, and shared by processes starting together."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import jwt
import pytest

from service_secrets import files, tokens
from service_secrets.rasa_auth import admin_jwt, auth_headers

ROOT = Path(__file__).resolve().parent.parent


def test_a_new_secret_file_is_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        secret = files.read_or_create(tmp_path / "deep" / "secret", lambda: b"s3cret")
    finally:
        os.umask(old)
    path = tmp_path / "deep" / "secret"
    assert secret == b"s3cret" and path.read_bytes() == b"s3cret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["secret"]  # the draft is gone


def test_an_existing_secret_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    files.read_or_create(path, lambda: b"first")
    assert files.read_or_create(path, lambda: b"second") == b"first"


def test_an_empty_secret_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(b"")
    with pytest.raises(files.SecretFileError, match="delete it .* or set RASA_TOKEN"):
        files.read_or_create(tmp_path / "secret", lambda: b"x", "RASA_TOKEN")


@pytest.mark.parametrize("source", [tokens.RASA_TOKEN, tokens.ACTION_SERVER_TOKEN])
def test_processes_starting_together_get_one_private_token(tmp_path: Path, source: tokens.TokenSource) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(source.env)}
    env["VAR_DIR"] = str(tmp_path)
    code = f"import sys; from service_secrets.tokens import {source.env}; sys.stdout.write({source.env}.get())"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    seen = {p.communicate(timeout=60)[0] for p in processes}
    path = tmp_path / source.filename
    assert len(seen) == 1 and seen.pop() == path.read_text() and len(path.read_text()) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == [source.filename]


def test_the_environment_then_a_named_file_then_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tokens.TokenSource("EXAMPLE_TOKEN", "example_token")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("EXAMPLE_TOKEN", raising=False)
    monkeypatch.delenv("EXAMPLE_TOKEN_FILE", raising=False)
    assert source.find() is None and not (tmp_path / "example_token").exists()  # find() makes nothing
    generated = source.get()
    assert source.find() == generated == (tmp_path / "example_token").read_text()
    mounted = tmp_path / "mounted"
    mounted.write_text("from-a-secret-volume\n")
    monkeypatch.setenv("EXAMPLE_TOKEN_FILE", str(mounted))
    assert source.get() == "from-a-secret-volume"
    monkeypatch.setenv("EXAMPLE_TOKEN", "from-the-environment")
    assert source.get() == "from-the-environment"


@pytest.mark.parametrize("content", [None, ""])
def test_a_named_token_file_that_is_missing_or_empty_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    named = tmp_path / "mounted"
    if content is not None:
        named.write_text(content)
    monkeypatch.delenv("EXAMPLE_TOKEN", raising=False)
    monkeypatch.setenv("EXAMPLE_TOKEN_FILE", str(named))
    with pytest.raises(files.SecretFileError, match=f"EXAMPLE_TOKEN_FILE={named}"):
        tokens.TokenSource("EXAMPLE_TOKEN", "example_token").get()


def test_clients_send_a_short_lived_admin_jwt_never_the_token() -> None:
    secret = "a" * 43
    header = auth_headers(secret, "advisor_desk")["Authorization"]
    assert header.startswith("Bearer ") and secret not in header
    claims = jwt.decode(header.split()[1], secret, algorithms=["HS256"])
    assert claims["user"] == {"username": "advisor_desk", "role": "admin"}
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(admin_jwt(secret, "x", lifetime=-60), secret, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(header.split()[1], "b" * 43, algorithms=["HS256"])
