"""Nobody reads a conversation without the token; the desk refuses anonymous requests."""

from __future__ import annotations

import pytest
import requests

from service_secrets.rasa_auth import auth_headers

pytestmark = pytest.mark.servers


def test_rasa_http_api_requires_the_token(stack, sender):
    stack.say(sender, "my secret business plan is a vegan frituur")
    url = f"{stack.rasa_url}/conversations/{sender}/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers=auth_headers("wrong-" * 8, "tests"), timeout=10).status_code in (401, 403)
    events = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events", json={"event": "resume"}, timeout=10
    )
    assert events.status_code == 401
    assert requests.get(url, headers=stack.rasa_auth(), timeout=10).status_code == 200


def test_rest_channel_returns_only_the_replies_never_the_history(stack, sender):
    stack.say(sender, "my secret business plan is a vegan frituur")
    replies = stack.say(sender, "hello")
    assert all("vegan frituur" not in (r.get("text") or "") for r in replies)


@pytest.mark.parametrize(
    "path", ["/api/queue", "/api/cases/mine", "/api/cases/1", "/api/cases/1/transcript", "/api/audit"]
)
def test_desk_endpoints_require_login(stack, path):
    response = requests.get(stack.desk_url + path, timeout=10)
    assert response.status_code == 401
    assert "error" in response.json()


def test_desk_pages_redirect_to_login(stack):
    response = requests.get(stack.desk_url + "/", timeout=10, allow_redirects=False)
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def listening_addresses(port: int) -> set:
    """The local addresses on which something listens on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                    found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 as the kernel writes them


def test_every_service_listens_on_loopback_only(stack):
    for port in (stack.rasa_port, stack.action_port, stack.desk_port):
        addresses = listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, f"port {port} listens on {addresses}"
