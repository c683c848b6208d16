"""The desk's security rules over real HTTP: login rate limit, CSRF guard, HSTS, resolved cases, purges.

Tests that count logins or change the schedule start their own desk (`fresh_desk`), so the module's shared
desk never inherits a locked account or an address over its limit.
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import pytest
import requests
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from advisor_desk import accounts
from advisor_desk.login_limit import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, LoginLimiter
from advisor_desk.models import DeskSession
from cases import store as case_store

from .support import PASSWORD, Desk, run_at_once, start_desk, stop_desk


@pytest.fixture
def fresh_desk(tmp_path: Path) -> Iterator[Desk]:
    running = start_desk(tmp_path)
    try:
        yield running
    finally:
        stop_desk(running)


def error_of(response: requests.Response) -> str:
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()["error"]


# --- login rate limit and the hashing pool -------------------------------------------------------------


def test_an_account_is_locked_after_repeated_failures_with_a_clear_429(
    fresh_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert fresh_desk.login("alice", "wrong password!").status_code == 401
    checked: List[str] = []
    verify = accounts.verify_login
    monkeypatch.setattr(accounts, "verify_login", lambda *args: checked.append(args[1]) or verify(*args))

    locked = fresh_desk.login("alice")  # even the right password: the account waits
    assert locked.status_code == 429
    assert "Too many failed logins" in error_of(locked)
    wait = int(locked.headers["Retry-After"])
    assert 0 < wait <= 15 * 60 and locked.json()["retry_after"] == wait
    assert checked == []  # refused before any password hash was computed
    assert fresh_desk.login("ALICE ").status_code == 429  # the same account however it is typed

    assert fresh_desk.login("bob").status_code == 200  # other accounts at the same address still log in
    assert checked == ["bob"]


def test_an_address_is_limited_across_accounts_and_a_trusted_proxy_names_the_client(
    fresh_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(MAX_FAILURES_PER_ADDRESS):
        assert fresh_desk.login(f"guess{i}", "wrong password!").status_code == 401
    assert fresh_desk.login("bob").status_code == 429

    # Without a trusted proxy a client cannot escape by claiming another address...
    def from_address(address: str) -> requests.Response:
        return requests.post(
            f"{fresh_desk.url}/api/login",
            json={"username": "bob", "password": PASSWORD},
            headers={"Origin": fresh_desk.url, "X-Forwarded-For": address},
            timeout=10,
        )

    assert from_address("203.0.113.7").status_code == 429
    # ...behind one, the address the proxy appended is the client's own.
    monkeypatch.setenv("DESK_TRUST_PROXY", "1")
    assert from_address("198.51.100.1, 203.0.113.7").status_code == 200


def test_successful_logins_do_not_count_as_failures() -> None:
    now = [1000.0]
    limiter = LoginLimiter(per_account=2, per_address=3, window=60, clock=lambda: now[0])
    for _ in range(10):
        assert limiter.begin("ann", "10.0.0.1") is None
        limiter.succeeded("ann", "10.0.0.1")
    assert limiter.begin("ann", "10.0.0.1") is None
    now[0] += 10
    assert limiter.begin("ann", "10.0.0.1") is None
    assert limiter.begin("ann", "10.0.0.1") == 50  # the first failure ages out in 50 s
    now[0] += 50
    assert limiter.begin("ann", "10.0.0.1") is None


class SlowHasher(PasswordHasher):
    """Cheap argon2 that takes a second per check and notes the thread it ran on, like a flood would."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.threads: List[str] = []

    def verify(self, hash: Union[str, bytes], password: Union[str, bytes]) -> bool:
        self.threads.append(threading.current_thread().name)
        time.sleep(1.0)
        return super().verify(hash, password)


def test_a_login_flood_does_not_slow_other_advisors(fresh_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """An advisor's call is answered while a flood of password checks is still running, not after it."""
    fresh_desk.tokens["alice"] = fresh_desk.login("alice").json()["token"]
    hasher = SlowHasher()
    monkeypatch.setattr(accounts, "_hasher", hasher)
    flood = 8  # more than the shared pool's threads on a small machine (min(32, CPUs + 4))
    logins_done: List[int] = []

    def act(i: int) -> int:
        if i < flood:
            fresh_desk.login(f"bot{i}", "wrong password!")
            logins_done.append(i)
            return 0
        time.sleep(0.3)  # the flood is queued by now
        assert fresh_desk.call("alice", "GET", "/api/queue").status_code == 200
        return len(logins_done)  # how many of the flood's logins had finished when the queue answered

    finished_before_queue = run_at_once(flood + 1, act)[-1]
    assert finished_before_queue == 0, "the advisor's queue waited behind the flood's password checks"
    assert len(hasher.threads) == flood and all(name.startswith("desk-hashing") for name in hasher.threads)


# --- CSRF ------------------------------------------------------------------------------------------------


def test_state_changing_calls_must_be_json(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    notes = f"/api/cases/{case['id']}/notes"
    for content_type, data in (
        ("text/plain", '{"text": "from a hostile form"}'),
        ("application/x-www-form-urlencoded", "text=from+a+hostile+form"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=text\r\n\r\nhi\r\n--x--"),
    ):
        response = desk.call("alice", "POST", notes, data=data, headers={"Content-Type": content_type})
        assert response.status_code == 415, content_type
        assert "application/json" in error_of(response)
    bare = requests.post(f"{desk.url}/api/cases/{case['id']}/claim", headers={"Origin": desk.url}, timeout=5)
    assert bare.status_code == 415  # no body and no content type at all
    login = requests.post(
        f"{desk.url}/api/login", data=f'{{"username": "alice", "password": "{PASSWORD}"}}',
        headers={"Origin": desk.url, "Content-Type": "text/plain"}, timeout=5,
    )
    assert login.status_code == 415 and "Set-Cookie" not in login.headers
    assert case_store.list_notes(desk.engine, case["id"]) == []
    assert desk.call("alice", "POST", notes, json={"text": "fine"}).status_code == 201


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({}, False),  # neither Origin nor Referer
        ({"Origin": "null"}, False),
        ({"Origin": "https://evil.example"}, False),
        ({"Origin": "http://127.0.0.1:1"}, False),  # same site, another port: the hole SameSite leaves
        ({"Origin": "http://localhost:{port}"}, False),  # another host name for the same server
        ({"Referer": "https://evil.example/page"}, False),
        ({"Origin": "https://evil.example", "Referer": "{url}/cases/1"}, False),  # Origin wins
        ({"Origin": "{url}"}, True),
        ({"Origin": "{url}/"}, True),
        ({"Referer": "{url}/cases/1"}, True),
    ],
)
def test_state_changing_calls_must_come_from_the_desk_itself(
    desk: Desk, headers: Dict[str, str], allowed: bool
) -> None:
    case = desk.claimed_case("alice")
    sent = {name: value.format(url=desk.url, port=desk.server.port) for name, value in headers.items()}
    sent.setdefault("Origin", None)  # type: ignore[arg-type]  # requests drops a None header: no default Origin
    response = desk.call("alice", "POST", f"/api/cases/{case['id']}/notes", json={"text": "n"}, headers=sent)
    if allowed:
        assert response.status_code == 201
    else:
        assert response.status_code == 403 and "Origin" in error_of(response)
        assert case_store.list_notes(desk.engine, case["id"]) == []


def test_reads_need_no_origin_and_a_forged_login_is_refused(desk: Desk) -> None:
    assert desk.call("alice", "GET", "/api/queue").status_code == 200
    forged = requests.post(
        f"{desk.url}/api/login",
        json={"username": "alice", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
        timeout=5,
    )
    assert forged.status_code == 403 and "Set-Cookie" not in forged.headers


def test_allowed_origins_and_a_trusted_proxy_are_configurable(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    case = desk.claimed_case("alice")
    path = f"/api/cases/{case['id']}/notes"
    public = {"Origin": "https://desk.example.be"}
    assert desk.call("alice", "POST", path, json={"text": "n"}, headers=dict(public)).status_code == 403
    monkeypatch.setenv("DESK_ALLOWED_ORIGINS", "https://other.example.be, https://DESK.example.be:443")
    assert desk.call("alice", "POST", path, json={"text": "n"}, headers=dict(public)).status_code == 201
    monkeypatch.delenv("DESK_ALLOWED_ORIGINS")

    # Behind a TLS proxy that keeps the Host header, the desk's own origin is https://<host>: trusted or not.
    proxied = {**public, "Host": "desk.example.be", "X-Forwarded-Proto": "https"}
    assert desk.call("alice", "POST", path, json={"text": "n"}, headers=dict(proxied)).status_code == 403
    monkeypatch.setenv("DESK_TRUST_PROXY", "1")
    assert desk.call("alice", "POST", path, json={"text": "n"}, headers=dict(proxied)).status_code == 201


def test_desk_pages_send_json_on_every_state_changing_call() -> None:
    # The browser test (tests/browser) proves it in Chromium; this keeps the rule visible without one.
    script = (Path(__file__).parents[2] / "advisor_desk" / "static" / "desk.js").read_text()
    assert 'if (method !== "GET" && method !== "HEAD")' in script
    assert 'options.headers["Content-Type"] = "application/json"' in script
    assert "fetch(" not in script.replace("await fetch(path, options)", "")


# --- HSTS --------------------------------------------------------------------------------------------------


def self_signed(folder: Path) -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 with a throwaway certificate, kept in `folder/cert.pem` for clients."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_hsts_only_over_https(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    certificate = str(tmp_path / "cert.pem")

    def hsts(url: str, **headers: str) -> Optional[str]:
        response = requests.get(f"{url}/health", headers=headers, timeout=5, verify=certificate)
        assert response.status_code == 200
        return response.headers.get("Strict-Transport-Security")

    assert hsts(desk.url) is None
    assert hsts(desk.url, **{"X-Forwarded-Proto": "https"}) is None  # anyone can send that header
    monkeypatch.setenv("DESK_TRUST_PROXY", "1")
    assert hsts(desk.url, **{"X-Forwarded-Proto": "https"}) == "max-age=31536000"
    assert hsts(desk.url, **{"X-Forwarded-Proto": "http"}) is None
    monkeypatch.delenv("DESK_TRUST_PROXY")

    tls = start_desk(tmp_path, ssl_context=self_signed(tmp_path))
    try:
        assert tls.url.startswith("https://")
        assert hsts(tls.url) == "max-age=31536000"
        login = requests.post(
            f"{tls.url}/api/login", json={"username": "ada", "password": PASSWORD},
            headers={"Origin": tls.url}, timeout=5, verify=certificate,
        )
        assert login.status_code == 200  # the desk's own origin is https:// here
    finally:
        stop_desk(tls)


# --- cases: not found, resolved, resolve race ----------------------------------------------------------------


def test_a_resolved_case_is_closed_to_notes_and_replies_and_unknown_to_others(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    assert case_store.resolve_case(desk.engine, case["id"], expected_advisor_id=desk.ids["alice"])
    for who in ("alice", "ada"):  # the advisor who held it, and an admin
        for suffix in ("notes", "messages"):
            response = desk.call(who, "POST", f"/api/cases/{case['id']}/{suffix}", json={"text": "late"})
            assert response.status_code == 409 and "resolved" in error_of(response), (who, suffix)
    missing = desk.call("bob", "GET", "/api/cases/999999")
    for method, suffix in (("GET", ""), ("POST", "/notes"), ("POST", "/claim")):
        response = desk.call("bob", method, f"/api/cases/{case['id']}{suffix}", json={"text": "x"})
        assert response.status_code == 404 and response.text == missing.text
    assert case_store.list_notes(desk.engine, case["id"]) == []
    assert desk.rasa.posts_for(case["conversation_id"]) == []


def test_resolve_closes_the_case_before_the_bot_resumes_so_a_transfer_cannot_slip_in(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    conversation = case["conversation_id"]
    desk.rasa.delay = 0.5  # each Rasa call of the resolve stays in flight for a while
    result: List[requests.Response] = []
    resolving = threading.Thread(
        target=lambda: result.append(desk.call("alice", "POST", f"/api/cases/{case['id']}/resolve"))
    )
    try:
        resolving.start()
        deadline = time.monotonic() + 5
        while not desk.rasa.posts_for(conversation):  # the hand-back reached Rasa: resolve is under way
            assert time.monotonic() < deadline
            time.sleep(0.01)
        transfer = desk.call(
            "ada", "POST", f"/api/cases/{case['id']}/transfer", json={"advisor_username": "bob"}
        )
        resolving.join(10)
    finally:
        desk.rasa.delay = 0.0
    assert transfer.status_code == 409
    assert result[0].status_code == 200
    final = case_store.get_case(desk.engine, case["id"])
    assert final["status"] == "resolved" and final["advisor_username"] == "alice"
    assert {"event": "resume"} in desk.rasa.posted_events(conversation)


def test_a_failed_hand_back_reopens_the_case_as_it_was(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    desk.rasa.fail_status = 503
    response = desk.call("alice", "POST", f"/api/cases/{case['id']}/resolve")
    assert response.status_code == 502
    after = case_store.get_case(desk.engine, case["id"])
    assert (after["status"], after["advisor_username"], after["resolved_at"]) == ("claimed", "alice", None)
    assert after["claimed_at"] == case["claimed_at"]
    assert "resolve" not in [e["action"] for e in case_store.list_audit(desk.engine, case["id"])]


def test_store_refuses_notes_on_resolved_cases_and_reopens_only_its_own_resolve(
    engine: Engine, new_conversation: Any
) -> None:
    anna = accounts.create_advisor(engine, "anna", PASSWORD)["id"]
    case, _ = case_store.open_or_create_case(engine, new_conversation())
    assert case_store.claim_case(engine, case["id"], anna)
    assert case_store.add_note(engine, case["id"], anna, "open: fine") is not None
    assert case_store.resolve_case(engine, case["id"], expected_advisor_id=anna)
    assert case_store.add_note(engine, case["id"], anna, "too late") is None
    assert [n["text"] for n in case_store.list_notes(engine, case["id"])] == ["open: fine"]

    assert not case_store.reopen_case(engine, case["id"], status="claimed", advisor_id=None)  # not its holder
    assert case_store.reopen_case(engine, case["id"], status="claimed", advisor_id=anna)
    assert case_store.get_case(engine, case["id"])["status"] == "claimed"
    assert not case_store.reopen_case(engine, case["id"], status="claimed", advisor_id=anna)  # not resolved

    # The conversation opened a new case while this one was resolved: reopening would make two open ones.
    assert case_store.resolve_case(engine, case["id"], expected_advisor_id=anna)
    case_store.open_or_create_case(engine, case["conversation_id"])
    assert not case_store.reopen_case(engine, case["id"], status="claimed", advisor_id=anna)


# --- accounts: password policy and the session purge ---------------------------------------------------------


def test_the_password_policy_holds_in_the_account_code(sqlite_engine: Engine) -> None:
    with pytest.raises(ValueError, match="at least 12"):
        accounts.create_advisor(sqlite_engine, "anna", "elevenchars")
    accounts.create_advisor(sqlite_engine, "anna", "twelve chars")
    with pytest.raises(ValueError, match="at least 12"):
        accounts.set_password(sqlite_engine, "anna", "short")
    assert accounts.verify_login(sqlite_engine, "anna", "twelve chars") is not None


def test_expired_sessions_are_purged_on_a_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_SESSION_PURGE_SECONDS", "0.2")
    running = start_desk(tmp_path)
    try:
        alice = running.ids["alice"]
        live = accounts.create_session(running.engine, alice)

        def expired_row_gone(token: str) -> bool:
            deadline = time.monotonic() + 5
            digest = accounts._token_hash(token)
            while time.monotonic() < deadline:
                with Session(running.engine) as session:
                    if session.scalars(select(DeskSession).where(DeskSession.token_hash == digest)).first() is None:
                        return True
                time.sleep(0.05)
            return False

        for _ in range(2):  # not only once at start: again and again, with nobody logging in
            expired = accounts.create_session(running.engine, alice, ttl=dt.timedelta(seconds=-1))
            assert expired_row_gone(expired)
        assert accounts.advisor_for_token(running.engine, live) is not None
    finally:
        stop_desk(running)
