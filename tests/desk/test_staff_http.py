"""The staff pages over real HTTP: who may see them, the inbox, decisions, the retrain and its reports.

Conversations are written into a real SQLite tracker store by Rasa's own SQLTrackerStore; the retrain
pipeline is a stand-in script (tests/desk/retrain_standin.py) because the real one trains models.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests
from aiohttp import web

from advisor_desk import accounts
from advisor_desk.app import create_app
from advisor_desk.db import init_db
from advisor_desk.rasa_client import RasaClient
from advisor_desk.retrain_runner import RetrainRunner
from cases.database import make_engine
from staff_review.review_file import COLUMNS

from .support import ADVISORS, PASSWORD, RASA_TOKEN, Desk, FakeRasa, ServerThread
from .test_desk_http import error_of

STANDIN = Path(__file__).with_name("retrain_standin.py")
STAFF_PAGES = ["/staff", "/staff/inbox", "/staff/reports", "/staff/reports/anything"]
STAFF_API = [
    ("GET", "/api/staff/overview"),
    ("GET", "/api/staff/inbox"),
    ("GET", "/api/staff/conversation?sender_id=x"),
    ("GET", "/api/staff/choices"),
    ("GET", "/api/staff/decisions"),
    ("POST", "/api/staff/decisions"),
    ("DELETE", "/api/staff/decisions/1"),
    ("GET", "/api/staff/retrain"),
    ("POST", "/api/staff/retrain"),
]
NOW = time.time()
# (sender, language, [(text, intent, confidence, seconds ago, next action)])
CONVERSATIONS = [
    ("anna-1", "en", [("where can I register my shop? mail me at anna@example.com", "ask_location", 0.41, 3600,
                       "action_handle_fallback")]),
    ("bert-2", "en", [("where can I register my shop? mail me at bert@example.org", "ask_location", 0.39, 1800,
                       "action_answer_question")]),
    ("carla-3", "nl", [("welke subsidie krijg ik voor een nieuwe machine", "ask_financing", 0.93, 900,
                        "action_answer_question")]),
    ("dirk-4", "nl", [("bel me op 0470 12 34 56 over mijn vergunning", "ask_permits", 0.55, 600,
                       "action_finish_handoff")]),
]


def _write_conversations(path: Path) -> None:
    """Save the conversations with Rasa's own SQL tracker store, as the running server does."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load("domain.yml")
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))
    for sender, language, turns in CONVERSATIONS:
        events: List[Any] = [
            ActionExecuted("action_session_start", timestamp=NOW - 7200),
            SlotSet("language", language, timestamp=NOW - 7199),
        ]
        for text, intent, confidence, ago, action in turns:
            parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
            events += [
                UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=NOW - ago),
                ActionExecuted(action, timestamp=NOW - ago + 1),
                BotUttered(f"reply to {sender}", timestamp=NOW - ago + 2),
            ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, domain.slots)))


class StaffDesk(Desk):
    """A running desk with a tracker store, a reports folder and a staff member (sam)."""

    reports: Path
    runner: RetrainRunner


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffDesk]:
    folder = tmp_path_factory.mktemp("staff")
    _write_conversations(folder / "rasa_tracker.db")
    db = make_engine(f"sqlite:///{folder / 'cases.db'}")
    tracker = make_engine(f"sqlite:///{folder / 'rasa_tracker.db'}")
    init_db(db)
    rasa = FakeRasa()
    rasa.server.start()
    client = RasaClient(rasa.server.url, RASA_TOKEN, timeout=5)
    reports = folder / "reports"
    reports.mkdir()
    runner = RetrainRunner(
        command=(sys.executable, str(STANDIN)),
        work_dir=folder / "review",
        env={"RETRAIN_REPORTS_DIR": str(reports)},
    )
    app = create_app(db, client, tracker_engine=tracker, retrain=runner, reports_dir=reports)

    async def close_client(_app: web.Application) -> None:
        await client.close()

    app.on_cleanup.append(close_client)
    server = ServerThread(app).start()
    running = StaffDesk(db, rasa, server)
    running.reports, running.runner = reports, runner
    for username, (role, display_name) in {**ADVISORS, "sam": ("staff", "Sam Staff")}.items():
        if username == "olaf":
            continue
        running.ids[username] = accounts.create_advisor(db, username, PASSWORD, role, display_name)["id"]
        running.tokens[username] = running.login(username).json()["token"]
    try:
        yield running
    finally:
        server.stop()
        rasa.server.stop()
        tracker.dispose()
        db.dispose()


def _inbox(staff: StaffDesk, who: str = "sam", **query: str) -> Dict[str, Any]:
    response = staff.call(who, "GET", "/api/staff/inbox", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def _item(staff: StaffDesk, fragment: str) -> Dict[str, Any]:
    return next(item for item in _inbox(staff)["items"] if fragment in item["text"])


def _decide(staff: StaffDesk, item: Dict[str, Any], correct: str, **extra: Any) -> requests.Response:
    body = {
        key: item[key]
        for key in ("key", "text", "language", "predicted_intent", "confidence", "count", "outcomes")
    }
    return staff.call("sam", "POST", "/api/staff/decisions", json={**body, "correct_intent": correct, **extra})


def _wait_for_run(staff: StaffDesk, timeout: float = 30) -> Dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = staff.call("sam", "GET", "/api/staff/retrain").json()
        if not status["running"]:
            return status
        time.sleep(0.2)
    raise AssertionError("the retrain run did not finish")


@pytest.fixture(autouse=True)
def _no_pending_decisions(staff: StaffDesk) -> Iterator[None]:
    """Each test starts with nothing pending (decisions of other tests are withdrawn)."""
    yield
    _wait_for_run(staff)
    for decision in staff.call("sam", "GET", "/api/staff/decisions").json()["decisions"]:
        staff.call("sam", "DELETE", f"/api/staff/decisions/{decision['id']}")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_show_plain_advisors_a_403_page(staff: StaffDesk, path: str) -> None:
    response = staff.call("alice", "GET", path)
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Staff only" in response.text and "Content-Security-Policy" in response.headers
    anonymous = requests.get(f"{staff.url}{path}", allow_redirects=False, timeout=5)
    assert anonymous.status_code == 302 and anonymous.headers["Location"] == "/login"


@pytest.mark.parametrize(("method", "path"), STAFF_API)
def test_staff_api_answers_plain_advisors_403_json(staff: StaffDesk, method: str, path: str) -> None:
    response = staff.call("alice", method, path, json={"key": "k"})
    assert response.status_code == 403
    assert "staff" in error_of(response)
    assert staff.call(None, method, path).status_code == 401


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_staff_and_admins_get_every_staff_page(staff: StaffDesk, who: str) -> None:
    for path in ("/staff", "/staff/inbox", "/staff/reports"):
        response = staff.call(who, "GET", path)
        assert response.status_code == 200, path
        assert 'href="/staff/inbox"' in response.text
    queue = staff.call(who, "GET", "/")
    assert '<a href="/staff">Review</a>' in queue.text
    assert staff.call(who, "GET", "/api/staff/choices").status_code == 200


def test_plain_advisors_see_no_review_link(staff: StaffDesk) -> None:
    assert 'href="/staff"' not in staff.call("alice", "GET", "/").text


def test_overview_counts_conversations_per_day_topic_and_language(staff: StaffDesk) -> None:
    figures = staff.call("sam", "GET", "/api/staff/overview").json()
    assert sum(figures["conversations_per_day"]) == len(CONVERSATIONS)
    assert len(figures["days"]) == len(figures["conversations_per_day"])
    assert figures["per_language"] == {"en": 2, "nl": 2}
    assert set(figures["rates"]) == {"fallback", "hedged", "declined", "handoff", "negative_feedback"}
    assert all(len(rates) == len(figures["days"]) for rates in figures["rates"].values())
    future = staff.call("sam", "GET", "/api/staff/overview", params={"since": "2999-01-01"}).json()
    assert future["days"] == [] and future["conversations_per_day"] == []


def test_inbox_groups_redacts_and_puts_the_least_certain_first(staff: StaffDesk) -> None:
    response = staff.call("sam", "GET", "/api/staff/inbox")
    assert "@example" not in response.text and "0470 12 34 56" not in response.text
    items = response.json()["items"]
    shop = items[0]  # two messages that differ only in the e-mail address, both misunderstood
    assert shop["count"] == 2 and "[EMAIL]" in shop["text"] and shop["predicted_intent"] == "ask_location"
    assert shop["confidence"] == pytest.approx(0.40, abs=0.01)
    assert {example["sender_id"] for example in shop["examples"]} == {"anna-1", "bert-2"}
    assert any("[PHONE]" in item["text"] for item in items)


def test_inbox_filters(staff: StaffDesk) -> None:
    dutch = _inbox(staff, language="nl")["items"]
    assert dutch and {item["language"] for item in dutch} == {"nl"}
    unsure = _inbox(staff, max_confidence="0.6")["items"]
    assert unsure and all(item["confidence"] <= 0.6 for item in unsure)
    assert [item["predicted_intent"] for item in _inbox(staff, intent="ask_financing")["items"]] == ["ask_financing"]
    assert all("fallback" in item["outcomes"] for item in _inbox(staff, outcome="fallback")["items"])
    assert _inbox(staff, since="2999-01-01")["items"] == []
    for query, word in (
        ({"since": "last week"}, "since"),
        ({"until": "2026-02-30"}, "until"),
        ({"since": "2026-12-01", "until": "2026-11-01"}, "since"),
        ({"max_confidence": "2"}, "max_confidence"),
        ({"max_confidence": "high"}, "max_confidence"),
        ({"intent": "ask_pizza"}, "intent"),
        ({"language": "fr"}, "language"),
        ({"outcome": "crashed"}, "outcome"),
    ):
        response = staff.call("sam", "GET", "/api/staff/inbox", params=query)
        assert response.status_code == 400, query
        assert word in error_of(response)


def test_conversation_context_is_redacted(staff: StaffDesk) -> None:
    response = staff.call("sam", "GET", "/api/staff/conversation", params={"sender_id": "anna-1"})
    assert response.status_code == 200
    lines = response.json()["lines"]
    assert [line["who"] for line in lines] == ["user", "bot"]
    assert "[EMAIL]" in lines[0]["text"] and "anna@example.com" not in response.text
    assert lines[1]["text"] == "reply to anna-1"
    unknown = staff.call("sam", "GET", "/api/staff/conversation", params={"sender_id": "nobody"})
    assert unknown.status_code == 404 and error_of(unknown)
    assert staff.call("sam", "GET", "/api/staff/conversation").status_code == 400
    traversal = staff.call("sam", "GET", "/api/staff/conversation", params={"sender_id": "x/../anna-1"})
    assert traversal.status_code == 400 and "letters, digits" in error_of(traversal)


def test_choices_offer_the_domain_intents_ignore_and_knowledge_entries(staff: StaffDesk) -> None:
    choices = staff.call("sam", "GET", "/api/staff/choices").json()
    assert "ask_location" in choices["intents"] and "greet" in choices["intents"]
    assert {s["value"] for s in choices["special"]} == {"ignore", "knowledge"}
    entry = next(e for e in choices["knowledge_entries"] if e["id"] == "enterprise_counter")
    assert entry["title"] and entry["topic"] == "startup"
    assert set(choices["quick_intents"]) == set(choices["intents"])


def test_decisions_are_saved_replaced_listed_and_withdrawn(staff: StaffDesk) -> None:
    shop = _item(staff, "register my shop")
    saved = _decide(staff, shop, "ask_startup")
    assert saved.status_code == 201
    decision = saved.json()["decision"]
    assert decision["reviewer"] == "sam" and decision["merged_at"] is None
    assert _item(staff, "register my shop")["decision"]["correct_intent"] == "ask_startup"

    again = _decide(staff, shop, "knowledge", knowledge_entry="enterprise_counter", note="counter question")
    assert again.status_code == 201
    listed = staff.call("ada", "GET", "/api/staff/decisions").json()
    assert listed["counts"]["pending"] == 1
    [only] = listed["decisions"]
    assert (only["correct_intent"], only["knowledge_entry"], only["note"]) == (
        "knowledge",
        "enterprise_counter",
        "counter question",
    )
    assert only["text"] == shop["text"] and only["count"] == 2 and only["outcomes"] == shop["outcomes"]

    assert staff.call("sam", "DELETE", f"/api/staff/decisions/{only['id']}").status_code == 200
    assert staff.call("sam", "GET", "/api/staff/decisions").json()["decisions"] == []
    assert staff.call("sam", "DELETE", f"/api/staff/decisions/{only['id']}").status_code == 404


def test_a_saved_text_is_redacted_again(staff: StaffDesk) -> None:
    shop = _item(staff, "register my shop")
    response = _decide(staff, {**shop, "text": "call 0470 12 34 56 or mail jan@example.com"}, "ask_human")
    assert response.status_code == 201
    stored = response.json()["decision"]["text"]
    assert "jan@example.com" not in stored and "[EMAIL]" in stored


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({"key": None, "correct_intent": "ask_startup"}, "'key'"),
        ({"correct_intent": "ask_pizza"}, "Unknown intent 'ask_pizza'"),
        ({"correct_intent": ""}, "correct_intent"),
        ({"correct_intent": "knowledge"}, "Pick the knowledge entry"),
        ({"correct_intent": "knowledge", "knowledge_entry": "no_such_entry"}, "Unknown knowledge entry"),
        ({"correct_intent": "ask_startup", "knowledge_entry": "enterprise_counter"}, "only for correct_intent"),
        ({"correct_intent": "ask_startup", "language": "fr"}, "language"),
        ({"correct_intent": "ask_startup", "confidence": 7}, "confidence"),
        ({"correct_intent": "ask_startup", "count": 0}, "count"),
        ({"correct_intent": "ask_startup", "outcomes": ["exploded"]}, "outcomes"),
        ({"correct_intent": "ask_startup", "text": "x" * 5000}, "longer than"),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_message(staff: StaffDesk, body: Any, words: str) -> None:
    if isinstance(body, str):
        response = staff.call("sam", "POST", "/api/staff/decisions", data=body,
                              headers={"Content-Type": "application/json"})
    else:
        base = {"key": "abc123", "text": "where can I register", "language": "en"}
        response = staff.call("sam", "POST", "/api/staff/decisions", json={**base, **body})
    assert response.status_code == 400
    assert words in error_of(response)
    assert staff.call("sam", "GET", "/api/staff/decisions").json()["decisions"] == []


def test_retrain_runs_the_pipeline_on_a_review_file_and_shows_its_report(staff: StaffDesk) -> None:
    assert staff.call("sam", "POST", "/api/staff/retrain").status_code == 409  # nothing to retrain with
    shop = _item(staff, "register my shop")
    permit = _item(staff, "vergunning")
    assert _decide(staff, shop, "knowledge", knowledge_entry="enterprise_counter").status_code == 201
    assert _decide(staff, permit, "ask_human").status_code == 201

    started = staff.call("ada", "POST", "/api/staff/retrain")
    assert started.status_code == 202, started.text
    assert started.json()["run"]["decision_count"] == 2 and started.json()["run"]["status"] == "running"
    assert "review_file" not in started.json()["run"]  # no server paths for the browser
    second = staff.call("sam", "POST", "/api/staff/retrain")
    assert second.status_code == 409 and "already running" in error_of(second)

    status = _wait_for_run(staff)
    latest = status["latest"]
    assert latest["status"] == "succeeded" and latest["exit_code"] == 0
    assert f"columns: {','.join(COLUMNS)}" in latest["log"]
    assert status["counts"] == {"pending": 0, "merged": 2}
    merged = staff.call("sam", "GET", "/api/staff/decisions", params={"state": "merged"}).json()["decisions"]
    assert {d["correct_intent"] for d in merged} == {"knowledge", "ask_human"}

    [report] = status["reports"]
    assert report["has_chart"] and latest["report"] == report["name"]
    page = staff.call("sam", "GET", f"/staff/reports/{report['name']}")
    assert page.status_code == 200
    assert "<td>enterprise_counter</td>" in page.text and "mail me at [EMAIL]</td>" in page.text
    assert f'src="/staff/reports/{report["name"]}/f1.png"' in page.text
    chart = staff.call("sam", "GET", f"/staff/reports/{report['name']}/f1.png")
    assert chart.status_code == 200 and chart.headers["Content-Type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")
    assert staff.call("alice", "GET", f"/staff/reports/{report['name']}/f1.png").status_code == 403


def test_a_failed_retrain_keeps_the_decisions_for_the_next_one(staff: StaffDesk) -> None:
    shop = _item(staff, "register my shop")
    assert _decide(staff, shop, "ask_location", note="make the stand-in fail").status_code == 201
    assert staff.call("sam", "POST", "/api/staff/retrain").status_code == 202
    latest = _wait_for_run(staff)["latest"]
    assert latest["status"] == "failed" and latest["exit_code"] == 3
    assert "refusing" in latest["log"]
    pending = staff.call("sam", "GET", "/api/staff/decisions").json()
    assert pending["counts"]["pending"] == 1 and pending["decisions"][0]["merged_at"] is None


def test_reports_render_markdown_as_text_never_as_html(staff: StaffDesk) -> None:
    folder = staff.reports / "20990101-000000-hostile"
    folder.mkdir()
    (folder / "report.md").write_text(
        "# Report <script>alert(1)</script>\n\n| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | ok |\n",
        encoding="utf-8",
    )
    page = staff.call("sam", "GET", "/staff/reports/20990101-000000-hostile")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text


def test_report_routes_refuse_path_tricks(staff: StaffDesk, tmp_path: Path) -> None:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "report.md").write_text("# secret\n", encoding="utf-8")
    (secret / "f1.png").write_bytes(b"\x89PNG secret")
    os.symlink(secret, staff.reports / "linked")
    real = staff.reports / "20990102-000000-real"
    real.mkdir()
    (real / "report.md").write_text("# real\n", encoding="utf-8")
    (real / "notes.txt").write_text("not a chart", encoding="utf-8")
    os.symlink(secret / "f1.png", real / "f1.png")
    for path in (
        "/staff/reports/linked",
        "/staff/reports/linked/f1.png",
        "/staff/reports/..%2F..%2Fetc",
        "/staff/reports/%2E%2E",
        "/staff/reports/.hidden",
        "/staff/reports/20990102-000000-real/notes.txt",
        "/staff/reports/20990102-000000-real/f1.png",
        "/staff/reports/20990102-000000-real/..%2F..%2F..%2Fetc%2Fpasswd",
        "/staff/reports/20990102-000000-real/%2Fetc%2Fpasswd",
    ):
        response = requests.get(
            f"{staff.url}{path}", headers={"Authorization": f"Bearer {staff.tokens['sam']}"}, timeout=5
        )
        assert response.status_code == 404, path
        assert b"secret" not in response.content
    listed = [r["name"] for r in staff.call("sam", "GET", "/api/staff/retrain").json()["reports"]]
    assert "linked" not in listed and "20990102-000000-real" in listed


def test_pages_load_only_own_scripts_and_the_inbox_has_its_shortcuts(staff: StaffDesk) -> None:
    inbox = staff.call("sam", "GET", "/staff/inbox")
    assert '<script src="/static/staff.js"></script>' in inbox.text
    assert "<script>" not in inbox.text and "onclick" not in inbox.text  # CSP: no inline code
    assert "script-src" not in inbox.headers["Content-Security-Policy"]  # default-src 'self' covers scripts
    script = requests.get(f"{staff.url}/static/staff.js", timeout=5)
    assert script.status_code == 200
    for handled in ('key === "j"', 'key === "k"', 'key === "i"', 'key === "s"', 'key === "?"', "/^[1-9]$/"):
        assert handled in script.text
    overview = staff.call("sam", "GET", "/staff")
    assert '<script src="/static/charts.js"></script>' in overview.text
    charts = requests.get(f"{staff.url}/static/charts.js", timeout=5).text
    assert "createElementNS" in charts and "innerHTML" not in charts
