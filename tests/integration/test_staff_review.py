"""Staff review on a real tracker store: conversations held through the REST channel, then read and exported.

Also filtered, shown in context and saved as a test story that `rasa test` accepts.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from cases.database import make_engine
from staff_review.conversations import load_turns
from staff_review.inbox import InboxFilter, build_inbox, conversation_context
from staff_review.test_stories import conversation_to_test_story
from tests.servers import ROOT, Stack

pytestmark = pytest.mark.servers
# A message the model has no intent for, typed twice with different contact details. Which intent a model
# guesses for it changes with every training, so the tests compare with what the server recorded (read through
# its HTTP API) and require only what holds for any model: the bot did not understand it (fallback, a hedged
# answer, or declined as out of scope), and it is the first thing staff see.
MISUNDERSTOOD = "my gizmo wobble flux {contact} frobnicate"
CONTACTS = ("jan.peeters@example.com 0470 12 34 56", "an@firma.be +32 470 98 76 54")
NOT_UNDERSTOOD = {"fallback", "hedged", "declined"}
DUTCH = "hoeveel kost de inschrijving bij een ondernemingsloket?"
ASK_PERSON = "I'd like to talk to a person please"
HANDOFF_ANSWERS = ("/affirm", "An", "an.peeters@example.com", "English", "payment problems with a supplier")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Servers of this module only.

    The export reads the whole tracker store, and the session's shared servers hold the same questions from
    other tests, in other conversations and languages.
    """
    running = Stack(tmp_path_factory.mktemp("staff-review-stack"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def redacted():
    return MISUNDERSTOOD.format(contact="[EMAIL] [PHONE]")


@pytest.fixture(scope="module")
def held(stack):
    """Four conversations: one misunderstanding typed twice with contact details, a handoff, a Dutch question."""
    run = uuid.uuid4().hex[:8]
    senders = {name: f"staff-{name}-{run}" for name in ("miss1", "miss2", "handoff", "dutch")}
    since = datetime.now() - timedelta(seconds=1)
    for name, contact in zip(("miss1", "miss2"), CONTACTS, strict=True):
        stack.say(senders[name], MISUNDERSTOOD.format(contact=contact))
    stack.say(senders["handoff"], ASK_PERSON)
    for answer in HANDOFF_ANSWERS:
        stack.say(senders["handoff"], answer)
    stack.say(senders["handoff"], "hello? is anyone there?")  # the advisor has the conversation now
    stack.say(senders["dutch"], DUTCH)
    time.sleep(0.5)
    return {
        "senders": senders,
        "since": since,
        "until": datetime.now() + timedelta(seconds=1),
        "engine": make_engine(f"sqlite:///{stack.workdir / 'tracker.db'}"),
        "db_url": f"sqlite:///{stack.workdir / 'tracker.db'}",
        "understood": stack.tracker(senders["miss1"])["latest_message"]["intent"]["name"],
    }


def test_turns_carry_intent_confidence_language_and_outcome(held):
    engine, senders = held["engine"], held["senders"]
    (missed,) = load_turns(engine, sender_id=senders["miss1"])
    assert missed.intent == held["understood"] and NOT_UNDERSTOOD & missed.outcomes
    assert ("fallback" in missed.outcomes) == (missed.intent == "nlu_fallback")
    assert missed.language == "en" and missed.bot_replies

    handoff = load_turns(engine, sender_id=senders["handoff"])
    assert handoff[0].text == ASK_PERSON and handoff[0].intent == "ask_human"
    assert "handoff" in handoff[0].outcomes
    assert handoff[-1].paused

    (dutch,) = load_turns(engine, sender_id=senders["dutch"])
    assert dutch.language == "nl" and dutch.topics == ["startup"] and dutch.confidence > 0.5
    assert not dutch.outcomes


def test_export_writes_redacted_grouped_review_files(held, redacted, tmp_path):
    out = tmp_path / "review-today"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "staff_review",
            "export",
            "--since",
            held["since"].date().isoformat(),
            "--out",
            str(out),
        ],
        check=False,
        cwd=ROOT,
        env={**os.environ, "TRACKER_DB_URL": held["db_url"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "conversations" in result.stdout and "withheld" in result.stdout
    with (out.with_suffix(".csv")).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    yaml_rows = yaml.safe_load(out.with_suffix(".yml").read_text(encoding="utf-8"))
    assert [r["text"] for r in rows] == [r["text"] for r in yaml_rows]
    by_text = {r["text"]: r for r in rows}
    missed = by_text[redacted]
    assert missed["count"] == "2" and missed["predicted_intent"] == held["understood"]
    assert NOT_UNDERSTOOD & set(missed["outcomes"].split()) and missed["correct_intent"] == ""
    assert by_text[DUTCH]["language"] == "nl"
    texts = [r["text"] for r in rows]
    assert texts.index(redacted) < texts.index(DUTCH)  # misunderstood and frequent first
    for path in (out.with_suffix(".csv"), out.with_suffix(".yml")):
        exported = path.read_text(encoding="utf-8")
        for personal in ("jan.peeters@example.com", "an@firma.be", "0470 12 34 56", "98 76 54", "an.peeters"):
            assert personal not in exported
        assert "payment problems with a supplier" not in exported  # an answer to the handoff questions


def test_filters_on_real_turns(held, redacted):
    turns = load_turns(held["engine"], since=held["since"], until=held["until"])

    def texts(**criteria):
        return {item.text: item.count for item in build_inbox(turns, InboxFilter(**criteria))[0]}

    assert texts(language="nl") == {DUTCH: 1}
    assert texts(outcome="handoff") == {ASK_PERSON: 1}
    missed = [t for t in turns if t.sender_id in (held["senders"]["miss1"], held["senders"]["miss2"])]
    for outcome in NOT_UNDERSTOOD:
        expected = sum(outcome in t.outcomes for t in missed)
        assert texts(outcome=outcome).get(redacted, 0) == expected
    assert sum(texts(outcome=outcome).get(redacted, 0) for outcome in NOT_UNDERSTOOD) >= 2
    assert texts(intent="ask_startup") == {DUTCH: 1}
    assert DUTCH in texts(min_confidence=0.5) and DUTCH not in texts(max_confidence=0.5)


def test_context_is_redacted_and_hides_the_handoff_details(held, redacted):
    context = conversation_context(held["engine"], held["senders"]["handoff"])
    shown = "\n".join(line["text"] for line in context)
    assert ASK_PERSON in shown
    assert "an.peeters" not in shown and "Thank you, An" not in shown
    assert "payment problems" not in shown and "is anyone there" not in shown
    assert [line["who"] for line in context][:2] == ["user", "bot"]
    assert context[0]["intent"] == "ask_human"
    (missed, *_) = conversation_context(held["engine"], held["senders"]["miss1"])
    assert missed["text"] == redacted


def test_real_conversations_become_readable_test_stories(held):
    domain = Domain.load(str(ROOT / "domain.yml"))
    story = conversation_to_test_story(held["engine"], held["senders"]["dutch"], "Dutch registration cost")
    (step,) = YAMLStoryReader(domain).read_from_string('version: "3.1"\nstories:\n' + story)
    (user,) = [e for e in step.events if isinstance(e, UserUttered)]
    assert user.text == DUTCH and user.intent_name == "ask_startup"
    assert "action_answer_question" in story

    handoff = conversation_to_test_story(held["engine"], held["senders"]["handoff"], "asks for a person")
    YAMLStoryReader(domain).read_from_string('version: "3.1"\nstories:\n' + handoff)
    for personal in ("an.peeters", "payment problems", "is anyone there", "An\n"):
        assert personal not in handoff
    assert "handoff_form" in handoff and "action_finish_handoff" in handoff


@pytest.mark.rasa_cli
def test_saved_story_passes_rasa_test(held, tmp_path):
    """What `rasa test` does with the appended story: replays it against the trained model, no prediction error."""
    story = conversation_to_test_story(held["engine"], held["senders"]["dutch"], "Dutch registration cost")
    stories = tmp_path / "test_stories.yml"
    stories.write_text('version: "3.1"\nstories:\n' + story, encoding="utf-8")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "core",
            "--stories",
            str(stories),
            "--model",
            "models",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path / "results"),
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
