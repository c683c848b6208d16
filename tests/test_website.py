"""The website's server: the page, the chat's settings, security headers, and labels in both languages."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, Tuple

import pytest
from aiohttp.test_utils import TestClient, TestServer

from website.app import STATIC_DIR, create_app


def fetch(path: str, socket_url: str = "http://localhost:5005") -> Tuple[int, Dict[str, str], str]:
    """GET `path` from a website whose chat server is `socket_url`: status, headers, body."""

    async def run() -> Tuple[int, Dict[str, str], str]:
        async with TestClient(TestServer(create_app(socket_url))) as client:
            response = await client.get(path)
            return response.status, dict(response.headers), await response.text()

    return asyncio.run(run())


def test_the_page_and_its_scripts_are_served_with_a_strict_policy() -> None:
    status, headers, body = fetch("/")
    assert status == 200 and 'id="chat-launcher"' in body
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "connect-src 'self' http://localhost:5005 ws://localhost:5005;" in policy
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    for script in ("vendor/socket.io.min.js", "widget-text.js", "widget.js"):
        assert f'src="/static/{script}"' in body
        assert fetch(f"/static/{script}")[0] == 200


def test_the_widget_learns_where_the_chat_server_is() -> None:
    status, headers, body = fetch("/config.json", "https://chat.example.org/")
    assert status == 200 and json.loads(body) == {"socket_url": "https://chat.example.org"}
    assert "connect-src 'self' https://chat.example.org wss://chat.example.org;" in headers["Content-Security-Policy"]
    assert fetch("/health/live")[0] == 200


@pytest.mark.parametrize(
    "bad", ["localhost:5005", "javascript:alert(1)", "http://x.org/path", "http://a.org; script-src *"]
)
def test_a_socket_url_that_is_no_plain_origin_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="CHAT_SOCKET_URL"):
        create_app(bad)


def test_the_widget_says_everything_in_english_and_in_dutch() -> None:
    labels: Dict[str, Any] = json.loads((STATIC_DIR / "widget-labels.json").read_text(encoding="utf-8"))
    assert set(labels) == {"en", "nl"}
    assert set(labels["en"]) == set(labels["nl"])
    assert all(text.strip() for language in labels.values() for text in language.values())
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    widget = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    used = {key for key in labels["en"] if f'"{key}"' in page or f'"{key}"' in widget}
    assert used == set(labels["en"]), f"labels nobody uses: {set(labels['en']) - used}"


def test_no_server_text_is_ever_parsed_as_html() -> None:
    for script in ("widget.js", "widget-text.js"):
        source = (STATIC_DIR / script).read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{script} uses {sink}"


def test_health_names_the_chat_server_when_it_cannot_be_reached() -> None:
    from tests.servers import free_port

    status, _, body = fetch("/health", f"http://127.0.0.1:{free_port()}")
    assert status == 503
    answer = json.loads(body)
    assert answer["failing"] == ["chat_server"] and "cannot be reached" in answer["checks"]["chat_server"]
    assert fetch("/health/live", f"http://127.0.0.1:{free_port()}")[0] == 200


def test_a_file_name_too_long_for_the_file_system_is_not_found() -> None:
    assert fetch("/static/" + "a" * 3000)[0] == 404
    assert fetch("/static/" + "%F0%9F%93%84" * 80)[0] == 404
