"""The website chat and the advisor desk as people use them, in headless Chromium, against the real servers.

Shared by the browser tests of the chat (tests/browser/test_chat_*.py) and `make screenshots`
(scripts/screenshots.py), so the README's pictures show what the tests check. Everything goes through the
pages: clicks, typing, reloading; the only shortcut is creating the advisor's account.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .desk_fixture import PASSWORD, log_in

REPLY_SECONDS = 30  # one bot turn on a busy 2-core machine (a Dutch answer, a form's result) stays well below
PHONE = (375, 740)


def wait(driver: Any, seconds: float = REPLY_SECONDS) -> WebDriverWait:
    return WebDriverWait(driver, seconds, poll_frequency=0.2)


def phone_viewport(driver: Any, size: tuple = PHONE) -> None:
    """Show pages as a phone of `size` CSS pixels does (viewport, touch-style layout)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": True},
    )


def desktop_viewport(driver: Any, size: tuple = (1280, 800)) -> None:
    """The viewport itself `size` (the window size includes the browser's own bars)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
    )


@dataclass
class Line:
    """One message as the visitor sees it in the chat log."""

    sender: str  # user, bot or advisor
    who: str  # the label above it ("Assistant", "Advisor · Alice Janssens", "You")
    text: str
    links: List[str]


class ChatPage:
    """The demo page with its chat widget, seen by the entrepreneur."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    # --- reading
    def lines(self) -> List[Line]:
        """Every message in the log, oldest first (read in one go: the log changes while we look)."""
        rows = self.driver.execute_script(
            """
            // the text as read: paragraphs and line breaks, without the screen-reader hints of links
            const read = (p) => [...p.childNodes].map((n) => n.nodeName === 'BR' ? '\\n'
              : n.nodeName === 'A' ? n.firstChild.textContent : n.textContent).join('');
            return [...document.querySelectorAll('#chat-log .chat-message')].map((m) => ({
              sender: [...m.classList].find((c) => c.startsWith('from-')).slice(5),
              who: m.querySelector('.chat-who').textContent,
              text: [...m.querySelectorAll('.chat-text p')].map(read).join('\\n\\n'),
              links: [...m.querySelectorAll('.chat-text a')].map((a) => a.href),
            }));
            """
        )
        return [Line(**row) for row in rows]

    def quick_replies(self) -> List[str]:
        return [b.text for b in self.driver.find_elements(By.CSS_SELECTOR, "#chat-log .chat-quick-reply")]

    def status(self) -> str:
        box = self.driver.find_element(By.ID, "chat-status")
        return box.text if box.is_displayed() else ""

    def panel_open(self) -> bool:
        return self.driver.find_element(By.ID, "chat-panel").is_displayed()

    # --- doing
    def load(self) -> "ChatPage":
        self.driver.get(self.url)
        wait(self.driver, 10).until(ec.element_to_be_clickable((By.ID, "chat-launcher")))
        return self

    def open_chat(self) -> None:
        """Click the launcher and wait until the chat is connected (its send button works)."""
        if not self.panel_open():
            self.driver.find_element(By.ID, "chat-launcher").click()
        self.wait_connected()

    def wait_connected(self) -> None:
        wait(self.driver).until(lambda d: d.find_element(By.ID, "chat-send").is_enabled())

    def wait_for(self, check: Callable[[List[Line]], bool], what: str, seconds: float = REPLY_SECONDS) -> List[Line]:
        """Wait until `check(lines)` holds; the lines then. A timeout names `what` and shows the log."""
        deadline = time.time() + seconds
        lines: List[Line] = []
        while time.time() < deadline:
            lines = self.lines()
            if check(lines):
                return lines
            time.sleep(0.2)
        shown = "\n".join(f"  {line.sender}: {line.text!r}" for line in lines)
        raise AssertionError(f"timed out waiting for {what}; the chat shows:\n{shown}")

    def reply_after(
        self, count: int, containing: str, sender: Optional[str] = "bot", seconds: float = REPLY_SECONDS
    ) -> Line:
        """The first message from `sender` (None: anyone) after the first `count` lines that contains `containing`."""

        def matches(line: Line) -> bool:
            return sender in (None, line.sender) and containing in line.text

        lines = self.wait_for(lambda seen: any(map(matches, seen[count:])), f"{sender} saying {containing!r}", seconds)
        return next(line for line in lines[count:] if matches(line))

    def say(self, text: str, containing: str, sender: str = "bot") -> Line:
        """Type a message, press Enter, and wait for the reply that contains `containing`."""
        before = len(self.lines())
        box = self.driver.find_element(By.ID, "chat-input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        return self.reply_after(before, containing, sender)

    def send(self, text: str) -> None:
        """Type a message and press Enter, expecting no answer from the bot (an advisor holds the chat)."""
        before = len(self.lines())
        box = self.driver.find_element(By.ID, "chat-input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.wait_for(lambda lines: any(line.text == text for line in lines[before:]), f"my message {text!r}", 5)

    def click_reply(self, title: str, containing: str) -> Line:
        """Click the quick reply `title` and wait for the answer that contains `containing`."""
        button = wait(self.driver).until(
            lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, ".chat-quick-reply") if b.text == title), None)
        )
        before = len(self.lines())
        button.click()
        return self.reply_after(before, containing)

    def button(self, element_id: str) -> WebElement:
        return self.driver.find_element(By.ID, element_id)

    def switch_language(self, language: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, f".chat-language [data-language='{language}']").click()
        wait(self.driver, 5).until(
            lambda d: d.find_element(By.CSS_SELECTOR, f"[data-language='{language}']").get_attribute("aria-pressed")
            == "true"
        )


def add_advisor(cases_db_url: str, username: str, display_name: str, role: str = "advisor") -> None:
    """An advisor account in the stack's case database, as `make advisor` creates it."""
    from advisor_desk import accounts
    from advisor_desk.db import init_db
    from cases.database import make_engine

    engine = make_engine(cases_db_url)
    try:
        init_db(engine)
        accounts.create_advisor(engine, username, PASSWORD, role, display_name)
    finally:
        engine.dispose()


class DeskPage:
    """The advisor desk in its own browser, seen by an advisor."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def log_in(self, username: str) -> None:
        log_in(self.driver, self.url, username)

    def queue_row(self, contact_name: str, seconds: float = 15) -> WebElement:
        """The queue's row of the case of `contact_name` (the queue refreshes every 5 seconds)."""
        return wait(self.driver, seconds).until(
            lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#queue tr") if contact_name in r.text), None)
        )

    def open_case(self, row: WebElement) -> str:
        """Follow the row's link to the case page; the case id."""
        row.find_element(By.TAG_NAME, "a").click()
        page = wait(self.driver, 10).until(ec.presence_of_element_located((By.ID, "case-page")))
        return str(page.get_attribute("data-case-id"))

    def claim(self) -> None:
        wait(self.driver, 10).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#claim-form button"))).click()
        wait(self.driver, 10).until(ec.visibility_of_element_located((By.ID, "reply-text")))

    def reply(self, text: str) -> None:
        box = self.driver.find_element(By.ID, "reply-text")
        box.send_keys(text)
        self.driver.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
        self.wait_transcript(text, "advisor")

    def transcript(self) -> List[tuple]:
        """(who, text) of each transcript line."""
        rows = self.driver.execute_script(
            """
            return [...document.querySelectorAll('#transcript .line')].map((l) => [
              l.classList[1], l.querySelector('p').textContent]);
            """
        )
        return [tuple(row) for row in rows]

    def wait_transcript(self, text: str, who: str = "user", seconds: float = 15) -> None:
        """Wait until the transcript (polled every 2 seconds) shows `text` said by `who`."""
        wait(self.driver, seconds).until(lambda d: (who, text) in self.transcript())

    def resolve(self) -> None:
        """Resolve the case (accepting the confirmation) and wait for the queue page."""
        self.driver.find_element(By.CSS_SELECTOR, "#resolve-form button").click()
        wait(self.driver, 5).until(ec.alert_is_present()).accept()
        wait(self.driver, 20).until(ec.url_to_be(f"{self.url}/"))


def hand_over(chat: ChatPage, name: str, summary: str, language: str = "English") -> Line:
    """Ask for an advisor with the widget's button and answer the handoff questions; the bot's last message."""
    before = len(chat.lines())
    chat.button("chat-advisor").click()
    chat.reply_after(before, "?")  # may I pass this conversation on? (with yes/no buttons)
    chat.click_reply(chat.quick_replies()[0], "?")  # "Yes, please": what should the advisor call you?
    chat.say(name, "?")  # at which e-mail address or phone number?
    chat.say(f"{name.lower()}@example.com", "?")  # in which language? (buttons)
    chat.click_reply(language, "?")  # what is it about?
    return chat.say(summary, name)  # "Thank you, <name>. Your request (case N) is waiting ..."
