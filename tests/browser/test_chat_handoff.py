"""A handoff seen from both sides: the entrepreneur in the website chat, the advisor at the desk, two browsers.

One long test: each step needs the one before (a case, a claim, a live reply), and every bot turn costs time.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.servers import ALWAYS_OPEN, Stack

from .chat_fixture import ChatPage, DeskPage, add_advisor, hand_over

pytestmark = pytest.mark.servers


def test_handoff_advisor_replies_live_and_hands_back_to_the_bot(
    visitor: Any, advisor_browser: Any, chat_stack: Stack
) -> None:
    chat_stack.office_hours.write_text(ALWAYS_OPEN)
    name = "Lotte" + uuid.uuid4().hex[:4]  # the queue row to look for, whatever other tests left waiting
    username, advisor_name = "adv" + uuid.uuid4().hex[:6], "Alice Janssens"
    add_advisor(chat_stack.cases_db_url, username, advisor_name)

    # the entrepreneur asks for an advisor with the widget's button and answers the questions
    chat = ChatPage(visitor, chat_stack.website_url).load()
    chat.open_chat()
    chat.wait_for(bool, "the welcome message")
    waiting = hand_over(chat, name, "late payments from my biggest customer")
    case_number = re.search(r"case (\d+)", waiting.text)
    assert case_number and "waiting for an advisor" in waiting.text

    # the advisor logs in (another browser), finds the case in the queue, claims it and replies
    desk = DeskPage(advisor_browser, chat_stack.desk_url)
    desk.log_in(username)
    row = desk.queue_row(name)
    assert "late payments from my biggest customer" in row.text
    assert desk.open_case(row) == case_number.group(1)
    desk.claim()
    desk.wait_transcript("late payments from my biggest customer")
    greeting = f"Hello {name}, I'm Alice from the agency. How late are the payments?"
    desk.reply(greeting)

    # the reply appears live in the entrepreneur's chat, marked as the advisor's
    live = chat.reply_after(0, greeting, sender="advisor", seconds=10)
    assert live.who.startswith("Advisor")

    # the entrepreneur answers; the bot stays quiet; the desk shows it
    chat.send("About 90 days, and it is getting worse.")
    desk.wait_transcript("About 90 days, and it is getting worse.")

    # a reload keeps the conversation, the advisor's message still marked as the advisor's
    visitor.refresh()
    chat.wait_connected()
    lines = chat.wait_for(lambda lines: any(line.text == greeting for line in lines), "the history after a reload")
    assert [line.sender for line in lines if line.text == greeting] == ["advisor"]
    assert any(line.text == "About 90 days, and it is getting worse." for line in lines)
    chat.send("Can we meet next week?")
    desk.wait_transcript("Can we meet next week?")
    visitor_said = [line.text for line in chat.lines() if line.sender == "user"]
    assert visitor_said.count("Can we meet next week?") == 1

    # also after the advisor reloads the desk, the entrepreneur's messages are there
    advisor_browser.refresh()
    desk.wait_transcript("Can we meet next week?")
    desk.reply("Yes: I'll send you an invitation by e-mail.")
    chat.reply_after(0, "Yes: I'll send you an invitation by e-mail.", sender="advisor", seconds=10)

    # resolving hands the conversation back: the entrepreneur sees it and the bot answers again
    before = len(chat.lines())
    desk.resolve()
    chat.reply_after(before, "I'm the assistant again", seconds=10)
    answer = chat.say("what does registering at the enterprise counter cost?", "105.50")
    assert answer.sender == "bot"
