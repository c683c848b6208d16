"""The website chat as an entrepreneur uses it: real page, real Rasa and action server, headless Chromium.

Few long tests on purpose: each turn costs a real bot reply, and CI time is short.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.servers import ROOT, Stack, free_port, wait_until

from .chat_fixture import ChatPage, Line, phone_viewport, wait
from .desk_fixture import console_messages

pytestmark = pytest.mark.servers


def sourced(line: Line) -> bool:
    """An answer with its official source as a link the visitor can click."""
    return bool(line.links) and all(link.startswith("https://") for link in line.links)


def test_english_and_dutch_answers_quick_replies_a_guided_form_and_a_reload(visitor: Any, chat_stack: Stack) -> None:
    chat = ChatPage(visitor, chat_stack.website_url).load()
    assert not chat.panel_open()
    chat.open_chat()
    welcome = chat.wait_for(bool, "the welcome message")[0]
    assert welcome.sender == "bot" and welcome.text.startswith("Hello!")
    assert chat.quick_replies() == [
        "Starting a business", "Business location", "Permits", "Financing & subsidies", "Innovation clusters",
    ]

    # a topic button: the overview with its source, and the buttons of the next step
    source = chat.click_reply("Permits", "Source:")
    assert sourced(source)
    assert "Check my permits" in chat.quick_replies()
    link = visitor.find_elements(By.CSS_SELECTOR, "#chat-log .from-bot .chat-text a")[-1]
    assert link.get_attribute("href") == source.links[0]
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")

    # a typed question: a sourced answer
    answer = chat.say("how much does it cost to register my eenmanszaak at the ondernemingsloket?", "105.50")
    assert any(sourced(line) for line in chat.lines()[-6:]), "the answer names its source as a link"
    assert answer.sender == "bot"

    # a guided form, clicked through: the result lists measures with their sources
    chat.say("which subsidies fit my company?", "established")
    chat.click_reply("Established business", "?")
    small = next(title for title in chat.quick_replies() if title.startswith("Small"))
    chat.click_reply(small, "?")
    result = chat.click_reply(next(t for t in chat.quick_replies() if "training" in t.lower()), "Why it fits")
    assert result.text.startswith("1. ") and "small enterprise" in result.text
    assert sourced(result)
    said = [(line.sender, line.text) for line in chat.lines()]

    # a reload: the same conversation, still open, with the server's history
    visitor.refresh()
    chat.wait_connected()
    assert chat.panel_open()
    after = chat.wait_for(lambda lines: any("Why it fits" in line.text for line in lines), "the history")
    assert [text for sender, text in said if sender == "user"] == [line.text for line in after if line.sender == "user"]
    assert not any(line.text.startswith("/") for line in after), "clicked buttons show their titles, not payloads"

    # Dutch: the switch translates the widget and the bot answers in Dutch, with its source
    chat.switch_language("nl")
    assert visitor.find_element(By.ID, "chat-send").text == "Verstuur"
    assert visitor.find_element(By.ID, "chat-advisor").text == "Praat met een adviseur"
    assert visitor.find_element(By.ID, "chat-panel").get_attribute("lang") == "nl"
    dutch = chat.say("hoe start ik als zelfstandige in bijberoep?", "Bron:")
    assert sourced(dutch)
    assert "Mijn startchecklist" in chat.quick_replies()


def test_phone_width_and_keyboard_only(visitor: Any, chat_stack: Stack) -> None:
    """On a 375-px screen the chat fills the screen without sideways scrolling; every step works by keyboard."""
    phone_viewport(visitor)
    chat = ChatPage(visitor, chat_stack.website_url).load()
    body = visitor.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(20):  # Tab through the page until the launcher has the focus
        if visitor.switch_to.active_element.get_attribute("id") == "chat-launcher":
            break
        visitor.switch_to.active_element.send_keys(Keys.TAB)
    launcher = visitor.switch_to.active_element
    assert launcher.get_attribute("id") == "chat-launcher", "the launcher is reachable with Tab"
    launcher.send_keys(Keys.ENTER)
    chat.wait_connected()
    assert visitor.switch_to.active_element.get_attribute("id") == "chat-input", "opening puts the focus in the box"
    chat.wait_for(bool, "the welcome message")

    panel = visitor.find_element(By.ID, "chat-panel").rect
    assert panel["x"] == 0 and panel["width"] == 375
    assert visitor.execute_script("return document.documentElement.scrollWidth") <= 375
    send = visitor.find_element(By.ID, "chat-send").rect
    assert send["x"] + send["width"] <= 375 and send["y"] + send["height"] <= 740

    # Shift+Tab from the box reaches the topic buttons; Enter picks one
    box = visitor.switch_to.active_element
    box.send_keys(Keys.SHIFT, Keys.TAB)  # the "talk to an advisor" button
    visitor.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)  # the last topic button
    focused = visitor.switch_to.active_element
    assert focused.get_attribute("class") == "chat-quick-reply" and focused.text == "Innovation clusters"
    before = len(chat.lines())
    focused.send_keys(Keys.ENTER)
    chat.reply_after(before, "Source:")
    assert visitor.switch_to.active_element.get_attribute("id") == "chat-input"

    # Escape closes the chat and gives the focus back to the launcher
    visitor.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not chat.panel_open()
    assert visitor.switch_to.active_element.get_attribute("id") == "chat-launcher"


def test_a_page_on_another_origin_or_without_server_gets_a_clear_message(visitor: Any, chat_stack: Stack) -> None:
    """The chat server accepts browsers from the website's origin only; a refused or dead server is explained."""
    for socket_url, why in (
        (chat_stack.rasa_url, "an origin the chat server does not accept"),
        (f"http://127.0.0.1:{free_port()}", "a chat server that is down"),
    ):
        port = free_port()
        website = subprocess.Popen(
            [sys.executable, "-m", "website", "--port", str(port)],
            cwd=ROOT,
            env={**chat_stack.env, "CHAT_SOCKET_URL": socket_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until(lambda url=url: requests.get(f"{url}/health/live", timeout=2).ok, 20, "website")
            chat = ChatPage(visitor, url).load()
            visitor.find_element(By.ID, "chat-launcher").click()
            wait(visitor, 15).until(lambda d, page=chat: "cannot be reached" in page.status())
            assert chat.lines() == [], why
            assert not visitor.find_element(By.ID, "chat-send").is_enabled()
            refused = console_messages(visitor)
            assert refused and all("/socket.io/" in entry["message"] for entry in refused), refused
        finally:
            website.terminate()
            website.wait(10)
