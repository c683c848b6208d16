"""The staff pages in a real browser: log in, the overview charts, the review inbox with its keyboard, the 403 page.

One desk (`python -m advisor_desk`) and one headless Chromium serve the whole module; the conftest fails any
test that leaves a SEVERE message in the browser console and keeps a screenshot of a failing one.
"""

from __future__ import annotations

from typing import Any, List

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import text

from cases.database import make_engine

from .desk_fixture import (
    ADVISOR,
    CONTACT_MESSAGE,
    CONVERSATIONS,
    RAW_CONTACT_DETAILS,
    STAFF,
    DeskProcess,
    log_in,
    per_language,
    user_messages,
)

CONTACT_REDACTED = "where can I register my bakery? mail me at [EMAIL] or call [PHONE]"


def wait(browser: Any, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def inbox_rows(browser: Any) -> List[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#items tr.item")


def selected_text(browser: Any) -> str:
    return browser.find_element(By.CSS_SELECTOR, "#items tr.selected td.quoted").text


def open_inbox(browser: Any, desk: DeskProcess) -> None:
    """Log in as staff and open the inbox, waiting until the first message is selected with its context."""
    log_in(browser, desk.url, STAFF[0])
    browser.get(f"{desk.url}/staff/inbox")
    wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#items tr.selected"))
    wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#context .line.focus"))


def press(browser: Any, keys: str) -> None:
    """Type on the page itself (not in a form field), as a reviewer does."""
    browser.find_element(By.TAG_NAME, "body").send_keys(keys)


def test_staff_log_in_through_the_form_and_reach_the_overview(browser: Any, desk: DeskProcess) -> None:
    log_in(browser, desk.url, STAFF[0])
    assert f"{STAFF[1]} · staff" in browser.find_element(By.CLASS_NAME, "who").text
    browser.find_element(By.LINK_TEXT, "Review").click()
    wait(browser).until(ec.url_to_be(f"{desk.url}/staff"))
    assert browser.find_element(By.CSS_SELECTOR, ".subnav [aria-current=page]").text == "Overview"


def test_a_wrong_password_is_refused_on_the_form(browser: Any, desk: DeskProcess) -> None:
    log_in_page = f"{desk.url}/login"
    browser.get(log_in_page)
    browser.find_element(By.NAME, "username").send_keys(STAFF[0])
    browser.find_element(By.NAME, "password").send_keys("not the password at all")
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    error = wait(browser).until(ec.visibility_of_element_located((By.ID, "error")))
    assert error.text and browser.current_url == log_in_page
    # the refused POST /api/login is a 401 that Chromium logs as a console error: expected here, not a page bug
    browser.get_log("browser")


def test_log_out_ends_the_session_through_the_csrf_guard(browser: Any, desk: DeskProcess) -> None:
    # A POST without a body: the page must still send it as JSON from its own origin, or the desk refuses it
    # (a SEVERE console message) and the session cookie keeps working.
    log_in(browser, desk.url, STAFF[0])
    browser.find_element(By.ID, "logout").click()
    wait(browser).until(ec.url_to_be(f"{desk.url}/login"))
    browser.get(f"{desk.url}/staff")
    assert browser.current_url == f"{desk.url}/login"


def test_the_overview_draws_the_charts_from_the_data(browser: Any, desk: DeskProcess) -> None:
    log_in(browser, desk.url, STAFF[0])
    browser.get(f"{desk.url}/staff")
    wait(browser).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, ".chart svg.chart-svg")) == 4)
    totals = browser.find_element(By.ID, "totals").text
    assert totals == f"{len(CONVERSATIONS)} conversations, {user_messages()} messages in this period."

    per_day = browser.find_element(By.ID, "chart-per-day")
    days = per_day.find_elements(By.CSS_SELECTOR, "circle")
    assert len(days) >= 10  # every day of the period, quiet ones included
    titles = [dot.find_element(By.TAG_NAME, "title").get_attribute("textContent") for dot in days]
    assert sum(int(title.rsplit(": ", 1)[1]) for title in titles) == len(CONVERSATIONS)
    ticks = [t.text for t in per_day.find_elements(By.CSS_SELECTOR, "text.tick") if t.text and "-" not in t.text]
    assert all(tick.isdigit() for tick in ticks), f"conversation counts are whole numbers: {ticks}"

    languages = browser.find_element(By.ID, "chart-languages").find_elements(By.CSS_SELECTOR, "text.tick")
    labels = [t.text for t in languages]
    shown = dict(zip(labels[0::2], (int(v) for v in labels[1::2]), strict=True))
    assert shown == per_language()
    assert len(browser.find_element(By.ID, "chart-languages").find_elements(By.TAG_NAME, "rect")) == 2

    topics = browser.find_element(By.ID, "chart-topics").find_elements(By.CSS_SELECTOR, "text.tick")
    topic_counts = dict(zip([t.text for t in topics][0::2], (int(t.text) for t in topics[1::2]), strict=True))
    assert topic_counts["financing"] == 3 and topic_counts["permits"] == 3 and topic_counts["startup"] == 2

    rates = browser.find_element(By.ID, "chart-rates")
    assert len(rates.find_elements(By.TAG_NAME, "polyline")) == 5
    legend = [item.text for item in rates.find_elements(By.CSS_SELECTOR, ".legend li")]
    assert legend == ["fallback", "hedged answer", "declined as out of scope", "handoff", "negative feedback"]


def test_the_inbox_shows_messages_redacted(browser: Any, desk: DeskProcess) -> None:
    open_inbox(browser, desk)
    rows = inbox_rows(browser)
    assert len(rows) == user_messages()
    assert rows[0].find_element(By.CSS_SELECTOR, "td.quoted").text == CONTACT_REDACTED  # least certain first
    assert "[EMAIL]" in browser.find_element(By.ID, "detail-text").text
    source = browser.page_source
    for raw in (*RAW_CONTACT_DETAILS, CONTACT_MESSAGE):
        assert raw not in source
    assert "[PHONE]" in source


def test_selecting_a_message_shows_its_conversation(browser: Any, desk: DeskProcess) -> None:
    open_inbox(browser, desk)
    row = next(r for r in inbox_rows(browser) if "omgevingsvergunning" in r.text)
    row.click()
    wait(browser).until(lambda b: "omgevingsvergunning" in b.find_element(By.ID, "detail-text").text)
    wait(browser).until(lambda b: "omgevingsvergunning" in b.find_element(By.CSS_SELECTOR, "#context .focus").text)
    lines = browser.find_elements(By.CSS_SELECTOR, "#context .line")
    assert [line.get_attribute("class").split()[1] for line in lines] == ["user", "bot"]
    assert "dichtst bij je vraag" in lines[1].text
    meta = browser.find_element(By.ID, "detail-meta").text
    assert meta.startswith("nl · 1× · understood as ask_permits · confidence 0.57 · hedged")


def test_selecting_a_message_keeps_the_list_in_view(browser: Any, desk: DeskProcess) -> None:
    """The conversation box scrolls to the message; the page itself stays where the reviewer is."""
    open_inbox(browser, desk)
    assert browser.execute_script("return window.scrollY") == 0


def test_review_with_the_keyboard_and_the_decision_is_saved(browser: Any, desk: DeskProcess) -> None:
    open_inbox(browser, desk)
    first = selected_text(browser)
    press(browser, "j")
    second = selected_text(browser)
    assert second != first
    press(browser, "k")
    assert selected_text(browser) == first == CONTACT_REDACTED

    quick = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#top-intents button")]
    assert quick[0] == "ask_location"  # what the assistant understood comes first
    digit = quick.index("ask_startup") + 1
    press(browser, str(digit))
    assert browser.find_element(By.ID, "correct-intent").get_attribute("value") == "ask_startup"
    press(browser, "s")
    first_row = inbox_rows(browser)[0]
    wait(browser).until(lambda _b: first_row.find_element(By.CSS_SELECTOR, "td.decided").text == "→ ask_startup")
    assert selected_text(browser) == second  # saving moves on to the next message

    engine = make_engine(desk.cases_db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT d.text, d.correct_intent, d.predicted_intent, d.language, d.merged_at, a.username "
                    "FROM review_decisions d JOIN advisors a ON a.id = d.reviewer_id"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(CONTACT_REDACTED, "ask_startup", "ask_location", "en", None, "sam")]

    browser.refresh()
    wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#items tr.selected"))
    assert inbox_rows(browser)[0].find_element(By.CSS_SELECTOR, "td.decided").text == "→ ask_startup"
    assert browser.find_element(By.ID, "correct-intent").get_attribute("value") == "ask_startup"


def test_question_mark_shows_the_keyboard_help(browser: Any, desk: DeskProcess) -> None:
    open_inbox(browser, desk)
    help_dialog = browser.find_element(By.ID, "help")
    assert not help_dialog.is_displayed()
    press(browser, "?")
    wait(browser).until(lambda _b: help_dialog.is_displayed())
    assert "next / previous message" in help_dialog.text
    before = selected_text(browser)
    help_dialog.find_element(By.TAG_NAME, "button").click()
    wait(browser).until(lambda _b: not help_dialog.is_displayed())
    press(browser, "j")
    assert selected_text(browser) != before  # the shortcuts work again once the help is closed


def test_the_reports_page_opens_without_errors(browser: Any, desk: DeskProcess) -> None:
    log_in(browser, desk.url, STAFF[0])
    browser.get(f"{desk.url}/staff/reports")
    wait(browser).until(lambda b: b.find_element(By.TAG_NAME, "h1").text)
    assert browser.find_element(By.CSS_SELECTOR, ".subnav [aria-current=page]").text == "Retrain & reports"


@pytest.mark.parametrize("page", ["/staff", "/staff/inbox", "/staff/reports"])
def test_a_plain_advisor_gets_the_403_page(browser: Any, desk: DeskProcess, page: str) -> None:
    log_in(browser, desk.url, ADVISOR[0])
    assert not browser.find_elements(By.LINK_TEXT, "Review")
    browser.get(f"{desk.url}{page}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Staff only"
    assert "staff" in browser.find_element(By.TAG_NAME, "main").text
    assert "[EMAIL]" not in browser.page_source and "Messages to review" not in browser.page_source
    # Chromium logs the page's own 403 status as a console error; nothing else may be there
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert all("403" in e["message"] for e in errors), errors


def test_the_staff_pages_have_no_serious_accessibility_problem(browser: Any, desk: DeskProcess) -> None:
    """axe-core on the overview (charts drawn), the inbox (a message selected) and the reports list."""
    from .accessibility import assert_accessible

    open_inbox(browser, desk)
    assert_accessible(browser, "the review inbox")
    browser.get(f"{desk.url}/staff")
    wait(browser).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, ".chart svg.chart-svg")) == 4)
    assert_accessible(browser, "the staff overview")
    browser.get(f"{desk.url}/staff/reports")
    wait(browser).until(lambda b: b.execute_script("return document.readyState") == "complete")
    assert_accessible(browser, "the retrain reports")
