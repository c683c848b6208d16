"""The action server's caller check: the token when one is configured, else callers on this machine only."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, Dict, Optional

import pytest

import rasa_sdk_plugins
from rasa_sdk_plugins.caller_check import is_loopback, refuse_other_callers


def call(expected: Optional[str], ip: str, headers: Dict[str, str], path: str = "/webhook") -> Any:
    request = SimpleNamespace(path=path, ip=ip, headers=headers)
    return asyncio.run(refuse_other_callers(expected)(request))  # type: ignore[arg-type]


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.0.1.1", "::1"])
def test_without_a_token_callers_on_this_machine_get_through(ip: str) -> None:
    assert call(None, ip, {}) is None


@pytest.mark.parametrize("ip", ["10.0.0.7", "192.168.1.20", "2001:db8::1", ""])
def test_without_a_token_other_machines_are_refused(ip: str) -> None:
    refused = call(None, ip, {"Authorization": "Bearer anything"})
    assert refused.status == 403 and b"own machine" in refused.body


def test_with_a_token_even_this_machine_needs_it() -> None:
    assert call("secret", "127.0.0.1", {}).status == 401
    assert call("secret", "127.0.0.1", {"Authorization": "Bearer other"}).status == 403
    assert call("secret", "10.0.0.7", {"Authorization": "Bearer secret"}) is None


def test_health_checks_stay_open() -> None:
    assert call("secret", "10.0.0.7", {}, path="/health") is None


def test_is_loopback_reads_scoped_and_invalid_addresses() -> None:
    assert is_loopback("::1%lo") and not is_loopback("localhost") and not is_loopback("")


def test_the_token_is_expected_only_when_configured_or_in_production(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in ("ACTION_SERVER_TOKEN", "ACTION_SERVER_TOKEN_FILE", "APP_MODE"):
        monkeypatch.delenv(name, raising=False)
    assert rasa_sdk_plugins.expected_token() is None
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "configured")
    assert rasa_sdk_plugins.expected_token() == "configured"
    monkeypatch.delenv("ACTION_SERVER_TOKEN")
    monkeypatch.setenv("APP_MODE", "production")
    generated = rasa_sdk_plugins.expected_token()
    assert generated and (tmp_path / "action_server_token").read_text().strip() == generated
