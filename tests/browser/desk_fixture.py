"""A real advisor desk with realistic staff data, driven by headless Chromium.

Shared by the browser tests (tests/browser/) and `make screenshots` (scripts/screenshots.py), so the pictures
in the README show exactly what the tests check. Conversations are written with Rasa's own SQLTrackerStore
(as the running server writes them); the desk runs as `python -m advisor_desk` in its own process with its
databases in a temporary folder. The staff pages never call Rasa, so no Rasa server is started: RASA_URL points
at a port nothing listens on.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import requests

from tests.servers import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct horse battery staple"
STAFF = ("sam", "Sam Staelens")
ADVISOR = ("alice", "Alice Janssens")
WINDOW = (1280, 800)
DAY = 86400.0
INSTALL_HINT = "run `make browser` (or: sudo apt-get install -y chromium chromium-driver)"


@dataclass
class Said:
    """One user message and how the assistant handled it."""

    text: str
    intent: str
    confidence: float
    action: str  # the action that ran after it
    reply: str
    response: Optional[str] = None  # the domain response the reply came from (metadata.utter_action)
    topic: Optional[str] = None  # the `last_topic` slot an answer sets
    handoff: bool = False  # the handoff form started


@dataclass
class Conversation:
    """One conversation: who, in which language, how many days ago it started (fractions too), what was said."""

    sender_id: str
    language: str
    days_ago: float
    turns: List[Said] = field(default_factory=list)


# The misunderstood message with contact details is the one the review inbox must redact.
CONTACT_MESSAGE = "where can I register my bakery? mail me at lotte.peeters@example.com or call +32 470 12 34 56"
RAW_CONTACT_DETAILS = ("lotte.peeters@example.com", "+32 470 12 34 56", "470 12 34 56")
CONVERSATIONS = [
    Conversation("web-lotte-7f3a", "en", 9.2, [
        Said("hi there", "greet", 0.98, "utter_greet", "Hello! I answer questions about starting and running "
             "a business in Flanders.", response="utter_greet"),
        Said(CONTACT_MESSAGE, "ask_location", 0.38, "action_handle_fallback",
             "Sorry, I did not quite get that. Could you say it differently?", response="utter_please_rephrase"),
    ]),
    Conversation("web-jan-2c91", "nl", 7.4, [
        Said("welke subsidie krijg ik voor een nieuwe machine", "ask_financing", 0.93, "action_answer_question",
             "Voor investeringen in machines is er de KMO-portefeuille en de strategische transformatiesteun.",
             response="utter_answer", topic="financing"),
        Said("dat bedoelde ik niet", "feedback_not_helpful", 0.88, "action_feedback",
             "Jammer. Wil je je vraag anders stellen, of met een adviseur praten?"),
    ]),
    Conversation("web-sofie-81d0", "nl", 5.1, [
        Said("heb ik een omgevingsvergunning nodig voor een terras", "ask_permits", 0.57, "action_answer_question",
             "Dit is wat het dichtst bij je vraag komt: de omgevingsvergunning voor handelszaken.",
             response="utter_answer_closest", topic="permits"),
    ]),
    Conversation("web-mark-4be2", "en", 3.3, [
        Said("which spearhead cluster fits a food-tech startup", "ask_clusters", 0.81, "action_answer_question",
             "Flanders' FOOD is the spearhead cluster for the agri-food industry.", response="utter_answer",
             topic="clusters"),
        Said("thanks!", "thank", 0.99, "utter_thank", "You're welcome.", response="utter_thank"),
    ]),
    Conversation("web-emma-c47f", "en", 2.2, [
        Said("I would like to talk to an advisor about a loan", "ask_human", 0.95, "handoff_form",
             "I can put you in touch with an advisor. What is your name?", handoff=True),
    ]),
    Conversation("web-pieter-09aa", "nl", 1.1, [
        Said("hoe zit het met die premie voor dat ding", "ask_financing", 0.45, "action_answer_question",
             "Een overzicht van de steunmaatregelen voor ondernemers.", response="utter_answer_not_specific",
             topic="financing"),
    ]),
    Conversation("web-ines-5d13", "en", 0.3, [
        Said("do I need a permit to sell food from a van", "ask_permits", 0.62, "action_answer_question",
             "Mobile food trade needs an ambulant trading card.", response="utter_answer_closest",
             topic="permits"),
    ]),
    # answered with confidence: the everyday traffic around the messages worth reviewing
    Conversation("web-koen-3e77", "nl", 8.3, [
        Said("hoe start ik als zelfstandige in bijberoep", "ask_startup", 0.91, "action_answer_question",
             "Als zelfstandige in bijberoep schrijf je je in bij een ondernemingsloket.", response="utter_answer",
             topic="startup"),
    ]),
    Conversation("web-marie-a210", "en", 6.2, [
        Said("what does VLAIO do for small companies", "ask_agency", 0.88, "action_answer_question",
             "VLAIO supports entrepreneurs in Flanders with advice, subsidies and networks.",
             response="utter_answer", topic="agency"),
    ]),
    Conversation("web-tom-77c4", "en", 5.4, [
        Said("how do I open a business in Ghent", "ask_startup", 0.86, "action_answer_question",
             "To start a business you register it with an enterprise counter.", response="utter_answer",
             topic="startup"),
    ]),
    Conversation("web-els-0f52", "nl", 3.1, [
        Said("waar vind ik een bedrijventerrein in Limburg", "ask_location", 0.79, "action_answer_question",
             "De Vlaamse overheid houdt een overzicht bij van bedrijventerreinen.", response="utter_answer",
             topic="location"),
    ]),
    Conversation("web-noah-c3b8", "en", 1.4, [
        Said("is there a loan guarantee for starters", "ask_financing", 0.84, "action_answer_question",
             "The Flemish guarantee scheme covers part of a bank loan.", response="utter_answer",
             topic="financing"),
    ]),
    Conversation("web-lies-91e0", "nl", 0.6, [
        Said("welke vergunning heb ik nodig voor een foodtruck", "ask_permits", 0.83, "action_answer_question",
             "Voor ambulante handel heb je een machtiging nodig.", response="utter_answer", topic="permits"),
    ]),
]


def user_messages() -> int:
    """How many messages users typed in CONVERSATIONS (the overview's `messages`)."""
    return sum(len(c.turns) for c in CONVERSATIONS)


def per_language() -> Dict[str, int]:
    """Conversations per language in CONVERSATIONS (the overview's language chart)."""
    counts: Dict[str, int] = {}
    for conversation in CONVERSATIONS:
        counts[conversation.language] = counts.get(conversation.language, 0) + 1
    return counts


def write_conversations(path: Path, now: Optional[float] = None) -> None:
    """Save CONVERSATIONS into a SQLite tracker store with Rasa's own SQLTrackerStore, as the server does."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    now = time.time() if now is None else now
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))
    for conversation in CONVERSATIONS:
        moment = now - conversation.days_ago * DAY
        events: List[Any] = [
            ActionExecuted("action_session_start", timestamp=moment),
            ActionExecuted("action_listen", timestamp=moment + 0.1),
        ]
        for n, said in enumerate(conversation.turns):
            at = moment + 60 * (n + 1)
            parse = {
                "text": said.text,
                "intent": {"name": said.intent, "confidence": said.confidence},
                "intent_ranking": [{"name": said.intent, "confidence": said.confidence}],
                "entities": [],
            }
            events += [
                UserUttered(said.text, intent=parse["intent"], parse_data=parse, timestamp=at),
                SlotSet("language", conversation.language, timestamp=at + 0.5),
                ActionExecuted(said.action, timestamp=at + 1),
            ]
            if said.handoff:
                events.append(ActiveLoop("handoff_form", timestamp=at + 1.5))
            if said.topic:
                events.append(SlotSet("last_topic", said.topic, timestamp=at + 1.6))
            metadata = {"utter_action": said.response} if said.response else {}
            events += [
                BotUttered(said.reply, metadata=metadata, timestamp=at + 2),
                ActionExecuted("action_listen", timestamp=at + 3),
            ]
        tracker = DialogueStateTracker.from_events(conversation.sender_id, events, domain.slots)
        asyncio.run(store.save(tracker))
    store.engine.dispose()


class DeskProcess:
    """`python -m advisor_desk` on a free port, with its cases and tracker databases in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cases_db_url = f"sqlite:///{folder / 'cases.db'}"
        self.tracker_db = folder / "rasa_tracker.db"
        self.log_path = folder / "desk.log"
        self.process: Optional["subprocess.Popen[bytes]"] = None

    def prepare(self) -> None:
        """Create the databases: the conversations, a staff member and a plain advisor."""
        from advisor_desk import accounts
        from advisor_desk.db import init_db
        from cases.database import make_engine

        write_conversations(self.tracker_db)
        engine = make_engine(self.cases_db_url)
        try:
            init_db(engine)
            accounts.create_advisor(engine, STAFF[0], PASSWORD, "staff", STAFF[1])
            accounts.create_advisor(engine, ADVISOR[0], PASSWORD, "advisor", ADVISOR[1])
        finally:
            engine.dispose()

    def environment(self) -> Dict[str, str]:
        """The desk's settings: everything in `folder`, Rasa nowhere (the staff pages do not need it)."""
        return {
            **os.environ,
            "VAR_DIR": str(self.folder),
            "CASES_DB_URL": self.cases_db_url,
            "TRACKER_DB_URL": f"sqlite:///{self.tracker_db}",
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
            "RASA_TOKEN": "not-used-by-the-staff-pages",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def start(self) -> "DeskProcess":
        """Prepare the data, start the desk and wait until /health/live answers."""
        self.prepare()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "advisor_desk", "--port", str(self.port)],
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(self._healthy, 30, f"the desk (log: {self.log_path})")
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"the desk did not start:\n{self.log()}") from None
        return self

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the desk exited with {self.process.returncode}:\n{self.log()}")
        return requests.get(f"{self.url}/health/live", timeout=2).status_code == 200  # no Rasa here

    def stop(self) -> None:
        """Stop the desk (its whole process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def log(self) -> str:
        """The desk's output so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def browser_binaries() -> Tuple[Optional[str], Optional[str]]:
    """(chromium, chromedriver) paths, None where not installed."""
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    return chromium, shutil.which("chromedriver")


def missing_browser() -> Optional[str]:
    """Why the browser tests cannot run here, or None when Chromium and chromedriver are installed."""
    chromium, driver = browser_binaries()
    missing = [name for name, path in (("chromium", chromium), ("chromedriver", driver)) if path is None]
    return f"{' and '.join(missing)} not installed: {INSTALL_HINT}" if missing else None


def chrome(window: Tuple[int, int] = WINDOW) -> Any:
    """A headless Chromium (Debian's, with its own chromedriver: Selenium Manager never downloads one).

    Console messages are kept (`goog:loggingPrefs`) so tests can fail on any SEVERE one.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = browser_binaries()
    if chromium is None or driver is None:
        raise RuntimeError(missing_browser())
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={window[0]},{window[1]}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def log_in(browser: Any, desk_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person does, and wait for the queue page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(f"{desk_url}/login")
    form = browser.find_element(By.ID, "login-form")
    form.find_element(By.NAME, "username").send_keys(username)
    form.find_element(By.NAME, "password").send_keys(password)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(ec.url_to_be(f"{desk_url}/"))


def console_messages(browser: Any) -> List[Dict[str, Any]]:
    """Browser console entries since the last call (chromedriver empties the log on each read)."""
    return list(browser.get_log("browser"))
