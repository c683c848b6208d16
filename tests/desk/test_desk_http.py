"""The desk over real HTTP: auth, access rules, claim races, replies and hand-back through Rasa."""

from __future__ import annotations

from typing import Any, Dict

import pytest
import requests
from sqlalchemy.orm import Session

from advisor_desk import accounts
from advisor_desk.handback import handback_message
from cases import store as case_store
from cases.models import Case

from .support import PASSWORD, Desk, run_at_once

CASE_ENDPOINTS = [
    ("GET", "/api/cases/{id}"),
    ("GET", "/api/cases/{id}/transcript"),
    ("POST", "/api/cases/{id}/claim"),
    ("POST", "/api/cases/{id}/messages"),
    ("POST", "/api/cases/{id}/notes"),
    ("POST", "/api/cases/{id}/transfer"),
    ("POST", "/api/cases/{id}/resolve"),
]
API_ENDPOINTS = [
    ("POST", "/api/logout"),
    ("GET", "/api/me"),
    ("GET", "/api/advisors"),
    ("GET", "/api/queue"),
    ("GET", "/api/cases/mine"),
    ("GET", "/api/audit"),
    *CASE_ENDPOINTS,
]


def error_of(response: requests.Response) -> str:
    """The readable message the desk shows; every API error must have one."""
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_health_needs_no_login(desk: Desk) -> None:
    response = requests.get(f"{desk.url}/health", timeout=5)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "rasa": "ok"}}
    assert requests.get(f"{desk.url}/health/live", timeout=5).json() == {"status": "ok"}


def test_impossible_ids_names_and_nesting_are_clear_4xx(desk: Desk) -> None:
    """Found by tests/fuzz: these were 500s (integer overflow, ENAMETOOLONG, RecursionError)."""
    admin = {"Authorization": f"Bearer {desk.login('ada').json()['token']}", "Origin": desk.url}
    assert requests.get(f"{desk.url}/api/cases/99999999999999999999999", headers=admin, timeout=5).status_code == 404
    assert requests.get(f"{desk.url}/static/" + "a" * 3000, timeout=5).status_code == 404
    deep = requests.post(
        f"{desk.url}/api/login",
        data=b"[" * 1000 + b"]" * 1000,
        headers={"Origin": desk.url, "Content-Type": "application/json"},
        timeout=5,
    )
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["error"]


def test_health_names_rasa_when_it_fails(desk: Desk) -> None:
    desk.rasa.fail_status = 500
    try:
        response = requests.get(f"{desk.url}/health", headers={"Authorization": "Bearer nonsense"}, timeout=5)
    finally:
        desk.rasa.fail_status = None
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["rasa"] and body["checks"]["database"] == "ok"
    assert "HTTP 500" in body["checks"]["rasa"]


@pytest.mark.parametrize(("method", "path"), API_ENDPOINTS)
def test_every_api_endpoint_refuses_anonymous_and_bogus_tokens(desk: Desk, method: str, path: str) -> None:
    case = desk.new_case()
    url = path.format(id=case["id"])
    anonymous = desk.call(None, method, url, json={"text": "hi", "advisor_username": "bob"})
    bogus = desk.call(
        None,
        method,
        url,
        json={"text": "hi"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    for response in (anonymous, bogus):
        assert response.status_code == 401
        assert error_of(response)
    assert case_store.get_case(desk.engine, case["id"])["status"] == "waiting"
    assert desk.rasa.posts_for(case["conversation_id"]) == []


def test_pages_send_anonymous_visitors_to_login(desk: Desk) -> None:
    for path in ("/", "/cases/1"):
        response = requests.get(f"{desk.url}{path}", allow_redirects=False, timeout=5)
        assert response.status_code == 302 and response.headers["Location"] == "/login"
    login_page = requests.get(f"{desk.url}/login", timeout=5)
    assert login_page.status_code == 200 and 'id="login-form"' in login_page.text


def test_login_rejects_bad_credentials_and_bad_input(desk: Desk) -> None:
    assert desk.login("alice", "wrong password").status_code == 401
    assert desk.login("nobody", PASSWORD).status_code == 401
    assert desk.login("olaf").status_code == 401  # deactivated account
    url = f"{desk.url}/api/login"
    for body in (
        "{not json",
        "[1, 2]",
        '{"username": "alice"}',
        '{"username": 1, "password": 2}',
    ):
        headers = {"Content-Type": "application/json", "Origin": desk.url}
        response = requests.post(url, data=body, headers=headers, timeout=5)
        assert response.status_code == 400, body
        assert error_of(response)


def test_login_sets_a_strict_http_only_cookie_that_authenticates(desk: Desk) -> None:
    response = desk.login("alice")
    assert response.status_code == 200
    body = response.json()
    assert body["advisor"]["username"] == "alice" and body["advisor"]["role"] == "advisor"
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("desk_session=")
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    cookie = {"Cookie": f"desk_session={body['token']}"}
    me = desk.call(None, "GET", "/api/me", headers=cookie)
    assert me.status_code == 200 and me.json()["advisor"]["username"] == "alice"


def test_logout_ends_the_session(desk: Desk) -> None:
    token = desk.login("bob").json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert desk.call(None, "GET", "/api/queue", headers=auth).status_code == 200
    assert desk.call(None, "POST", "/api/logout", headers=dict(auth)).status_code == 200
    assert desk.call(None, "GET", "/api/queue", headers=auth).status_code == 401


def test_claim_moves_a_case_from_the_queue_to_my_cases_and_pauses_the_bot(
    desk: Desk,
) -> None:
    case = desk.new_case(topic="permits", language="nl", contact_name="Jan", contact="jan@x.be")
    queue_ids = [c["id"] for c in desk.call("alice", "GET", "/api/queue").json()["cases"]]
    assert case["id"] in queue_ids

    response = desk.call("alice", "POST", f"/api/cases/{case['id']}/claim")
    assert response.status_code == 200
    assert response.json()["case"]["advisor_username"] == "alice"
    assert "warning" not in response.json()

    queue_ids = [c["id"] for c in desk.call("bob", "GET", "/api/queue").json()["cases"]]
    assert case["id"] not in queue_ids
    mine = desk.call("alice", "GET", "/api/cases/mine").json()["cases"]
    assert case["id"] in [c["id"] for c in mine]
    assert case["id"] not in [c["id"] for c in desk.call("bob", "GET", "/api/cases/mine").json()["cases"]]
    assert desk.rasa.posted_events(case["conversation_id"]) == [{"event": "pause"}]
    assert desk.rasa.posts_for(case["conversation_id"])[0]["authorization"].startswith("Bearer ")


def test_second_claim_is_refused_like_a_missing_case(desk: Desk) -> None:
    missing = desk.call("bob", "POST", "/api/cases/999999/claim")
    assert missing.status_code == 404
    case = desk.new_case()
    assert desk.call("alice", "POST", f"/api/cases/{case['id']}/claim").status_code == 200
    second = desk.call("bob", "POST", f"/api/cases/{case['id']}/claim")
    assert second.status_code == 404 and second.json() == missing.json()  # now alice's: no hint it exists
    assert case_store.get_case(desk.engine, case["id"])["advisor_username"] == "alice"
    again = desk.call("alice", "POST", f"/api/cases/{case['id']}/claim")
    assert again.status_code == 409 and "already hold" in error_of(again)
    by_admin = desk.call("ada", "POST", f"/api/cases/{case['id']}/claim")
    assert by_admin.status_code == 409 and "already claimed" in error_of(by_admin)
    case_store.resolve_case(desk.engine, case["id"], expected_advisor_id=desk.ids["alice"])
    closed = desk.call("alice", "POST", f"/api/cases/{case['id']}/claim")
    assert closed.status_code == 409 and "resolved" in error_of(closed)
    assert desk.call("bob", "POST", f"/api/cases/{case['id']}/claim").json() == missing.json()


def test_two_simultaneous_claims_over_http_have_one_winner(desk: Desk) -> None:
    rivals = ("alice", "bob")
    for _ in range(5):
        case = desk.new_case()
        statuses = run_at_once(
            2,
            lambda i, case_id=case["id"]: desk.call(rivals[i], "POST", f"/api/cases/{case_id}/claim").status_code,
        )
        assert sorted(statuses) == [200, 404]
        winner = rivals[statuses.index(200)]
        assert case_store.get_case(desk.engine, case["id"])["advisor_id"] == desk.ids[winner]


def test_another_advisors_case_is_off_limits_and_answers_like_a_missing_one(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    body: Dict[str, Any] = {"text": "hello", "advisor_username": "bob"}
    for method, path in CASE_ENDPOINTS:
        response = desk.call("bob", method, path.format(id=case["id"]), json=body)
        missing = desk.call("bob", method, path.format(id=999999), json=body)
        assert response.status_code == missing.status_code == 404, path
        assert error_of(response) and response.text == missing.text, path
    assert desk.rasa.posts_for(case["conversation_id"]) == []
    assert case_store.get_case(desk.engine, case["id"])["advisor_username"] == "alice"
    assert case_store.list_notes(desk.engine, case["id"]) == []


def test_queue_cases_are_visible_to_every_advisor_and_admin_sees_all(
    desk: Desk,
) -> None:
    waiting = desk.new_case(summary="Wil een zaak openen in Gent")
    response = desk.call("bob", "GET", f"/api/cases/{waiting['id']}")
    assert response.status_code == 200
    assert response.json()["case"]["summary"] == "Wil een zaak openen in Gent"
    held = desk.claimed_case("alice")
    assert desk.call("ada", "GET", f"/api/cases/{held['id']}").status_code == 200
    assert desk.call("bob", "GET", "/api/cases/999999").status_code == 404


def test_audit_log_is_admin_only_and_records_case_activity(desk: Desk) -> None:
    case = desk.new_case()
    desk.call("alice", "POST", f"/api/cases/{case['id']}/claim")
    desk.call("alice", "GET", f"/api/cases/{case['id']}")
    desk.call("alice", "GET", f"/api/cases/{case['id']}")

    refused = desk.call("alice", "GET", f"/api/audit?case_id={case['id']}")
    assert refused.status_code == 403 and error_of(refused)
    assert desk.call("ada", "GET", "/api/audit?case_id=abc").status_code == 400

    entries = desk.call("ada", "GET", f"/api/audit?case_id={case['id']}").json()["entries"]
    assert [(e["action"], e["advisor_username"]) for e in entries] == [
        ("read", "alice"),
        ("claim", "alice"),
    ]


def test_reply_reaches_the_chat_as_the_advisor(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    response = desk.call(
        "alice",
        "POST",
        f"/api/cases/{case['id']}/messages",
        json={"text": "  Dag Jan, ik help je verder.  "},
    )
    assert response.status_code == 200
    post = desk.rasa.posts_for(case["conversation_id"])[-1]
    assert post["query"] == {"execute_side_effects": "true", "output_channel": "latest"}  # no token in the URL
    assert post["events"] == [
        {
            "event": "bot",
            "text": "Dag Jan, ik help je verder.",
            "metadata": {"advisor": "Alice Janssens"},
        }
    ]
    audit = case_store.list_audit(desk.engine, case["id"])
    assert audit[0]["action"] == "reply" and "Dag Jan" not in audit[0]["detail"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 400),
        ({"text": "   "}, 400),
        ({"text": "x" * 4001}, 400),
        ({"other": "x"}, 400),
        ({"text": "x" * 4000}, 200),
    ],
)
def test_reply_length_limits(desk: Desk, body: Dict[str, Any], status: int) -> None:
    case = desk.claimed_case("alice")
    response = desk.call("alice", "POST", f"/api/cases/{case['id']}/messages", json=body)
    assert response.status_code == status
    assert len(desk.rasa.posted_events(case["conversation_id"])) == (1 if status == 200 else 0)


def test_malformed_json_is_a_400_on_every_body_endpoint(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    for suffix in ("messages", "notes", "transfer"):
        response = desk.call(
            "alice",
            "POST",
            f"/api/cases/{case['id']}/{suffix}",
            data="{oops",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400, suffix
        assert "JSON" in error_of(response)


def test_only_the_holder_replies_even_an_admin_may_not(desk: Desk) -> None:
    waiting = desk.new_case()
    held = desk.claimed_case("alice")
    for who, case in (("alice", waiting), ("ada", held)):
        response = desk.call(who, "POST", f"/api/cases/{case['id']}/messages", json={"text": "hi"})
        assert response.status_code == 403
    assert desk.rasa.posts_for(held["conversation_id"]) == []


def test_transcript_shows_who_said_what(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    desk.rasa.events[case["conversation_id"]] = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "Ik wil met iemand spreken", "timestamp": 2.0},
        {"event": "bot", "text": "Ik verbind je door.", "timestamp": 3.0},
        {"event": "pause", "timestamp": 4.0},
    ]
    desk.call(
        "alice",
        "POST",
        f"/api/cases/{case['id']}/messages",
        json={"text": "Hallo, Alice hier."},
    )
    response = desk.call("alice", "GET", f"/api/cases/{case['id']}/transcript")
    assert response.status_code == 200
    lines = response.json()["transcript"]
    assert [(line["who"], line["text"]) for line in lines] == [
        ("user", "Ik wil met iemand spreken"),
        ("bot", "Ik verbind je door."),
        ("system", "conversation paused"),
        ("advisor", "Hallo, Alice hier."),
    ]
    assert lines[0]["at"] == 2.0


def test_a_case_with_a_traversal_id_never_shows_or_reaches_another_conversation(desk: Desk) -> None:
    """A case stored before ids were checked: the desk refuses to ask Rasa about it, clearly."""
    desk.rasa.events["victim-123"] = [{"event": "user", "text": "my secret business plan", "timestamp": 1.0}]
    with Session(desk.engine) as session, session.begin():
        row = Case(conversation_id="mallory/../victim-123", status="waiting", language="en")
        session.add(row)
        session.flush()
        case_id = row.id
    claimed = desk.call("alice", "POST", f"/api/cases/{case_id}/claim")
    assert claimed.status_code == 200 and "not valid" in claimed.json()["warning"]
    for method, path, body in (
        ("GET", "transcript", None),
        ("POST", "messages", {"text": "hello"}),
        ("POST", "resolve", None),
    ):
        response = desk.call("alice", method, f"/api/cases/{case_id}/{path}", json=body)
        assert response.status_code == 400, path
        assert "not valid" in error_of(response) and "secret" not in response.text
    assert desk.rasa.posts_for("victim-123") == [] and desk.rasa.posts_for("mallory/../victim-123") == []


def test_notes_are_added_by_the_holder_and_shown_with_the_case(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    response = desk.call(
        "alice",
        "POST",
        f"/api/cases/{case['id']}/notes",
        json={"text": "Zoekt <b>starterslening</b>"},
    )
    assert response.status_code == 201
    notes = desk.call("alice", "GET", f"/api/cases/{case['id']}").json()["notes"]
    assert [(n["text"], n["advisor_name"]) for n in notes] == [("Zoekt <b>starterslening</b>", "Alice Janssens")]


def test_transfer_hands_the_case_to_a_colleague(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    for target in ("nobody", "olaf"):
        response = desk.call(
            "alice",
            "POST",
            f"/api/cases/{case['id']}/transfer",
            json={"advisor_username": target},
        )
        assert response.status_code == 400 and target in error_of(response)

    response = desk.call(
        "alice",
        "POST",
        f"/api/cases/{case['id']}/transfer",
        json={"advisor_username": "bob"},
    )
    assert response.status_code == 200
    assert response.json()["case"]["advisor_username"] == "bob"
    assert case["id"] in [c["id"] for c in desk.call("bob", "GET", "/api/cases/mine").json()["cases"]]
    assert desk.call("alice", "GET", f"/api/cases/{case['id']}").status_code == 404
    reply = desk.call("bob", "POST", f"/api/cases/{case['id']}/messages", json={"text": "Bob hier."})
    assert reply.status_code == 200

    by_admin = desk.call(
        "ada",
        "POST",
        f"/api/cases/{case['id']}/transfer",
        json={"advisor_username": "alice"},
    )
    assert by_admin.status_code == 200
    assert case_store.get_case(desk.engine, case["id"])["advisor_username"] == "alice"
    actions = [e["action"] for e in case_store.list_audit(desk.engine, case["id"])]
    assert actions.count("transfer") == 2


def test_resolve_hands_the_chat_back_to_the_bot_in_the_case_language(
    desk: Desk,
) -> None:
    case = desk.claimed_case("alice", language="nl")
    response = desk.call("alice", "POST", f"/api/cases/{case['id']}/resolve")
    assert response.status_code == 200
    assert response.json()["case"]["status"] == "resolved"

    posts = desk.rasa.posts_for(case["conversation_id"])
    assert [p["events"] for p in posts] == [
        [
            {
                "event": "bot",
                "text": handback_message("nl"),
                "metadata": {"handback": True},
            }
        ],
        [{"event": "resume"}],
        [{"event": "slot", "name": "case_id", "value": None}],
    ]
    assert posts[0]["query"]["execute_side_effects"] == "true"
    assert posts[0]["query"]["output_channel"] == "latest"
    assert "adviseur" in handback_message("nl")

    assert case["id"] not in [c["id"] for c in desk.call("alice", "GET", "/api/cases/mine").json()["cases"]]
    again = desk.call("alice", "POST", f"/api/cases/{case['id']}/resolve")
    assert again.status_code == 409 and "resolved" in error_of(again)
    assert len(desk.rasa.posts_for(case["conversation_id"])) == 3
    assert case_store.list_audit(desk.engine, case["id"])[0]["action"] == "resolve"


def test_rasa_down_gives_a_readable_error_and_the_case_stays_open(desk: Desk) -> None:
    case = desk.claimed_case("alice")
    desk.rasa.fail_status = 500
    for method, suffix, body in (
        ("GET", "transcript", None),
        ("POST", "messages", {"text": "hallo"}),
        ("POST", "resolve", None),
    ):
        response = desk.call("alice", method, f"/api/cases/{case['id']}/{suffix}", json=body)
        assert response.status_code == 502, suffix
        assert "assistant server" in error_of(response)
    assert case_store.get_case(desk.engine, case["id"])["status"] == "claimed"

    desk.rasa.fail_status = None
    assert desk.call("alice", "POST", f"/api/cases/{case['id']}/resolve").status_code == 200


def test_claim_succeeds_with_a_warning_when_rasa_cannot_pause(desk: Desk) -> None:
    case = desk.new_case()
    desk.rasa.fail_status = 503
    response = desk.call("alice", "POST", f"/api/cases/{case['id']}/claim")
    assert response.status_code == 200
    assert "could not be paused" in response.json()["warning"]
    assert case_store.get_case(desk.engine, case["id"])["advisor_username"] == "alice"


def test_pages_escape_entrepreneur_and_advisor_text(desk: Desk) -> None:
    accounts.create_advisor(desk.engine, "mallory", PASSWORD, "advisor", "<script>alert(1)</script>")
    token = desk.login("mallory").json()["token"]
    page = desk.call(None, "GET", "/", headers={"Cookie": f"desk_session={token}"})
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    case_page = desk.call(None, "GET", "/cases/42", headers={"Cookie": f"desk_session={token}"})
    assert case_page.status_code == 200 and 'data-case-id="42"' in case_page.text


def test_static_scripts_are_served_without_login(desk: Desk) -> None:
    for name in ("desk.js", "queue.js", "case.js", "login.js", "desk.css"):
        response = requests.get(f"{desk.url}/static/{name}", timeout=5)
        assert response.status_code == 200, name
