"""Production mode's topology with the real pieces: two Rasa processes, rasa_proxy, PostgreSQL and Redis.

One stack for the module (two model loads): a fresh PostgreSQL database for conversations, cases and
knowledge, conversation locks on Redis, socket.io rooms shared over Redis, the action server with two workers,
configured by the same `serving.production` settings `make run-prod` uses. The tests drive a conversation
through both processes directly (their own ports) and through the proxy, as the desk and browsers do.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Dict, Iterator, List

import pytest
import redis
import requests

from serving import production
from tests.chat_client import ChatClient
from tests.integration.test_handoff import hand_over
from tests.postgres_support import temporary_database
from tests.servers import Stack, text_of

pytestmark = pytest.mark.servers

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Questions and small talk that neither hand over nor start a form, so every one of them gets an answer.
MESSAGES = [
    "hello",
    "tell me about the kmo-portefeuille",
    "what is the winwinlening?",
    "wat is een omgevingsvergunning?",
    "how much does registering at the enterprise counter cost?",
    "what documents do I bring to the enterprise counter?",
    "what exactly is a cluster pact?",
    "hoe start ik als zelfstandige?",
    "wat is de kmo-portefeuille?",
    "hoeveel kost de inschrijving bij een ondernemingsloket?",
    "how do I register a GmbH in Munich?",
    "hello there",
    "hoe schrijf ik me in als zelfstandige in bijberoep?",
    "what does it cost to register at an enterprise counter?",
    "is there a subsidy for buying a company car with a hydrogen engine for my bakery?",
    "hallo, ik heb een vraag over mijn zaak",
    "how long does it take?",
    "thank you",
    "tell me about the winwinlening",
    "wat kost een ondernemingsloket?",
]


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError:
        message = f"Redis not reachable at {REDIS_URL} (set TEST_REDIS_URL)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_redis()
    with temporary_database("prod_test") as database:
        site = production.from_env({"TRACKER_DB_URL": database, "LOCK_STORE_URL": REDIS_URL})
        assert site.cases_db_url == site.knowledge_db_url == database and site.action_workers == 2
        stack = Stack(
            tmp_path_factory.mktemp("prod"),
            tracker_db_url=site.tracker_db_url,
            lock_store_url=site.lock_store_url,
            rasa_processes=2,
            # a channel of its own: other stacks on this Redis never hear this one's rooms
            extra_env={**site.environment(), "SOCKETIO_REDIS_CHANNEL": f"socketio-{uuid.uuid4().hex[:8]}"},
        )
        try:
            stack.start()
        except RuntimeError as error:
            stack.stop()
            logs = "".join(f"\n--- {s.name}\n{s.log()[-3000:]}" for s in (*stack.rasas, stack.actions))
            raise RuntimeError(f"{error}{logs}") from error
        try:
            yield stack
        finally:
            stack.stop()


def events_of(stack: Stack, sender: str) -> List[dict]:
    return stack.tracker(sender)["events"]


def turns(events: List[dict]) -> List[Dict]:
    """Each user message with the bot texts that follow it up to the next user message."""
    found: List[Dict] = []
    for event in events:
        if event["event"] == "user":
            found.append({"text": event["text"], "bot": []})
        elif event["event"] == "bot" and found:
            found[-1]["bot"].append(event.get("text"))
    return found


def test_the_proxy_reports_both_processes_healthy(prod):
    health = requests.get(f"{prod.rasa_url}/health", timeout=10)
    assert health.status_code == 200
    assert [b["url"] for b in health.json()["backends"]] == prod.rasa_process_urls
    assert all(b["ok"] for b in health.json()["backends"])


def test_concurrent_messages_of_one_conversation_through_both_processes_are_handled_one_at_a_time(prod):
    sender = "prod-" + uuid.uuid4().hex[:12]
    replies: Dict[str, List[dict]] = {}
    failures: List[BaseException] = []
    start = threading.Barrier(2)

    def talk(via: str, messages: List[str]) -> None:
        try:
            start.wait()
            for message in messages:
                replies[message] = prod.say(sender, message, via=via)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    halves = {prod.rasa_process_urls[0]: MESSAGES[0::2], prod.rasa_process_urls[1]: MESSAGES[1::2]}
    threads = [threading.Thread(target=talk, args=item) for item in halves.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert not failures, failures

    conversation = turns(events_of(prod, sender))
    # every message exactly once ...
    assert sorted(t["text"] for t in conversation) == sorted(MESSAGES)
    # ... each followed by its own answer, the one its sender got back, before the next message
    for turn in conversation:
        assert turn["bot"], f"no answer after {turn['text']!r}"
        assert turn["bot"] == [r.get("text") for r in replies[turn["text"]]], turn["text"]
    # and the two processes really worked at the same time: their messages are interleaved
    first_half = set(MESSAGES[0::2])
    owners = [t["text"] in first_half for t in conversation]
    assert sum(1 for a, b in zip(owners, owners[1:], strict=False) if a != b) > 1, owners
    # both processes read the same conversation from the shared store
    assert (
        prod.tracker(sender, via=prod.rasa_process_urls[0])["events"]
        == prod.tracker(sender, via=prod.rasa_process_urls[1])["events"]
    )


def test_a_handed_off_conversation_stays_paused_on_the_other_process(prod):
    first, second = prod.rasa_process_urls
    sender = "prod-" + uuid.uuid4().hex[:12]
    prod.say(sender, "I want to talk to a human", via=first)
    for answer in ("/affirm", "Jan", "+32 470 12 34 56", "English", "dispute with my business partner"):
        prod.say(sender, answer, via=first)
    tracker = prod.tracker(sender)
    assert tracker["slots"]["case_id"] and any(e["event"] == "pause" for e in tracker["events"])

    assert prod.say(sender, "hello? is anyone there?", via=second) == []
    assert prod.say(sender, "what is the winwinlening?", via=second) == []
    assert prod.say(sender, "still waiting", via=first) == []
    events = events_of(prod, sender)
    last_pause = max(i for i, e in enumerate(events) if e["event"] == "pause")
    after = events[last_pause:]
    assert not any(e["event"] in ("resume", "bot") for e in after)
    assert [e["text"] for e in after if e["event"] == "user"] == [
        "hello? is anyone there?",
        "what is the winwinlening?",
        "still waiting",
    ]


def test_an_advisor_reply_sent_on_one_process_reaches_a_socket_held_by_the_other(prod):
    holder, sender_process = prod.rasa_process_urls
    chat = ChatClient(holder).start()
    try:
        said = hand_over(chat)
        assert "case" in said.lower()
        case_id = prod.tracker(chat.session_id)["slots"]["case_id"]
        assert case_id

        # What the desk's RasaClient.send_advisor_message does, sent to the process without the socket.
        response = requests.post(
            f"{sender_process}/conversations/{chat.session_id}/tracker/events",
            params={"execute_side_effects": "true", "output_channel": "latest"},
            headers=prod.rasa_auth(),
            json=[{"event": "bot", "text": "Hi Jan, Ann here.", "metadata": {"advisor": "Ann"}}],
            timeout=30,
        )
        assert response.status_code == 200
        pushed = chat.collect(wait=20, quiet=1.0)
        assert {"text": "Hi Jan, Ann here.", "metadata": {"advisor": "Ann"}} in pushed

        # The real desk, whose RASA_URL is the proxy: every reply arrives, whichever process sent it.
        advisor = "adv" + uuid.uuid4().hex[:8]
        prod.create_advisor(advisor)
        desk = prod.desk_session(advisor)
        assert desk.post(f"{prod.desk_url}/api/cases/{case_id}/claim", timeout=20).status_code == 200
        texts = [f"Reply {n} from the desk." for n in range(4)]
        for text in texts:
            posted = desk.post(f"{prod.desk_url}/api/cases/{case_id}/messages", json={"text": text}, timeout=20)
            assert posted.status_code == 200, posted.text
        received: List[str] = []
        while len(received) < len(texts):
            batch = chat.collect(wait=20, quiet=1.0)
            if not batch:
                break
            received += [m.get("text") for m in batch]
        assert received == texts
    finally:
        chat.close()


def test_a_conversation_started_on_one_process_is_resumed_on_the_other_with_its_token(prod):
    first, second = prod.rasa_process_urls
    chat = ChatClient(first).start()
    try:
        assert chat.say("what is the winwinlening?"), "the bot answered nothing"
    finally:
        chat.close()
    again = ChatClient(second)
    try:
        history = again.resume(chat.session_id, chat.token)
        assert any(m.get("text") == "what is the winwinlening?" for m in history)
        # the resumed conversation answers, in the language of the question
        assert "Bron: http" in text_of(again.say("wat is de kmo-portefeuille?"))
    finally:
        again.close()
    stranger = ChatClient(second)
    try:
        event, data = stranger.request({"session_id": chat.session_id, "token": "forged" + chat.token[6:]})
        assert event == "session_error" and data["code"] == "invalid_token"
    finally:
        stranger.close()


# long-polling only; websocket only; long-polling upgraded to a websocket, as browsers' socket.io-client does
@pytest.mark.parametrize("transports", [["polling"], ["websocket"], ["polling", "websocket"]])
def test_the_chat_works_through_the_proxy(prod, transports):
    chat = ChatClient(prod.rasa_url, transports=transports).start()
    try:
        for question in ("hello", "what is the winwinlening?", "wat is de kmo-portefeuille?"):
            assert chat.say(question), f"no answer to {question!r} over {transports}"
        assert len([e for e in events_of(prod, chat.session_id) if e["event"] == "user"]) == 3
    finally:
        chat.close()
