"""axe-core finds no serious or critical accessibility problem on the demo page (chat open) or the desk pages.

The pages are checked as people see them: the chat with a welcome, an answer and its buttons (desktop and
phone width); the desk's log-in page, its queue with a waiting case and that case, claimed, with its
transcript.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.servers import ALWAYS_OPEN, Stack

from .accessibility import assert_accessible
from .chat_fixture import ChatPage, DeskPage, add_advisor, desktop_viewport, phone_viewport

pytestmark = pytest.mark.servers


def test_the_demo_page_with_the_chat_open(visitor: Any, chat_stack: Stack) -> None:
    chat = ChatPage(visitor, chat_stack.website_url).load()
    assert_accessible(visitor, "the demo page, chat closed")
    chat.open_chat()
    chat.wait_for(bool, "the welcome message")
    chat.click_reply("Starting a business", "Source:")
    assert_accessible(visitor, "the demo page, chat open with an answer")
    phone_viewport(visitor)
    assert_accessible(visitor, "the demo page at 375 px, chat open")
    chat.switch_language("nl")
    assert_accessible(visitor, "the demo page at 375 px, chat in Dutch")
    desktop_viewport(visitor)


def test_the_desk_log_in_queue_and_case_pages(advisor_browser: Any, chat_stack: Stack) -> None:
    chat_stack.office_hours.write_text(ALWAYS_OPEN)
    sender = "a11y-" + uuid.uuid4().hex[:12]  # a server-to-server conversation: quicker than a browser's
    name = "Noor" + uuid.uuid4().hex[:4]
    for message in ("/ask_human", "/affirm", name, "+32 470 12 34 56", "English", "a permit for a food truck"):
        chat_stack.say(sender, message)
    username = "adv" + uuid.uuid4().hex[:6]
    add_advisor(chat_stack.cases_db_url, username, "Alice Janssens")

    desk = DeskPage(advisor_browser, chat_stack.desk_url)
    advisor_browser.get(f"{chat_stack.desk_url}/login")
    assert_accessible(advisor_browser, "the desk's log-in page")
    desk.log_in(username)
    row = desk.queue_row(name)
    assert_accessible(advisor_browser, "the desk's queue with a waiting case")
    desk.open_case(row)
    desk.claim()
    desk.wait_transcript("a permit for a food truck")
    assert_accessible(advisor_browser, "a claimed case with its transcript")
