"""The README's pictures of the website chat, the advisor desk and the staff pages: `make screenshots` (docs/images/).

The chat pictures come from the real servers (Rasa with the trained model, action server, desk, website:
tests/servers.py) driven as the browser tests drive them (tests/browser/chat_fixture.py), at 1280x800 and
at 375 px phone width:

- `chat-desktop.png`: the demo page with the chat open, an answer with its source link and buttons;
- `chat-phone.png`: the same chat on a phone, in Dutch;
- `desk-queue.png`: the advisor desk's queue with the entrepreneur's case waiting;
- `handoff-advisor.png`: the case at the desk, claimed, the advisor's reply and the entrepreneur's answer;
- `handoff-entrepreneur.png`: the same conversation in the entrepreneur's chat, the advisor's reply marked.

The staff pictures come from the same desk with the same sample conversations as the browser tests
(tests/browser/desk_fixture.py):

- `staff-inbox.png`: the review inbox, the misunderstood message with its contact details redacted, selected;
- `staff-overview.png`: the overview charts;
- `retrain-f1.png`: the per-intent F1 chart of the newest real retrain report (`reports/retrain/*/f1.png`,
  written by `make retrain` or the page's Retrain button), if there is one; otherwise the file is left as it is.

PNGs are reduced to a 256-colour palette with Pillow, so they stay small in git.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.desk_fixture import STAFF, WINDOW, DeskProcess, chrome, log_in, missing_browser  # noqa: E402
from tests.servers import ALWAYS_OPEN, Stack  # noqa: E402

REPORTS = ROOT / "reports" / "retrain"


def save_small_png(source: Path, target: Path) -> None:
    """Write `source` to `target` as an optimised palette PNG (screenshots have few colours)."""
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def snapshot(browser: Any, target: Path) -> None:
    """The viewport as an optimised PNG."""
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw.png"
        browser.save_screenshot(str(raw))
        save_small_png(raw, target)
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def wait_for(browser: Any, css: str, seconds: float = 10) -> None:
    """Wait until `css` matches something on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, seconds).until(lambda b: b.find_elements(By.CSS_SELECTOR, css))


def staff_pages(out: Path) -> None:
    """Screenshots of the inbox and the overview from a desk with the sample conversations."""
    from selenium.webdriver.common.by import By

    with tempfile.TemporaryDirectory(prefix="desk-screenshots-") as folder:
        desk = DeskProcess(Path(folder)).start()
        browser = chrome()
        try:
            # the viewport itself 1280x800 (the window size includes the browser's own bars)
            browser.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": False},
            )
            log_in(browser, desk.url, STAFF[0])
            browser.get(f"{desk.url}/staff/inbox")
            wait_for(browser, "#context .line.focus")
            quick = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#top-intents button")]
            # the reviewer's choice for the bakery question: registering a business is ask_startup
            browser.find_element(By.TAG_NAME, "body").send_keys(str(quick.index("ask_startup") + 1))
            time.sleep(0.3)
            snapshot(browser, out / "staff-inbox.png")

            browser.get(f"{desk.url}/staff")
            wait_for(browser, "#chart-languages svg")
            # the sample conversations span ten days: show those, not the default thirty
            period = browser.find_element(By.ID, "period")
            browser.execute_script(
                "arguments[0].value = arguments[1]", period.find_element(By.NAME, "since"),
                time.strftime("%Y-%m-%d", time.localtime(time.time() - 11 * 86400)),
            )
            period.find_element(By.TAG_NAME, "button").click()
            time.sleep(0.5)
            snapshot(browser, out / "staff-overview.png")
        finally:
            browser.quit()
            desk.stop()


def chat_pages(out: Path) -> None:
    """Screenshots of the website chat and of a handoff from both sides, from the real servers."""
    from selenium.webdriver.common.by import By

    from tests.browser.chat_fixture import ChatPage, DeskPage, add_advisor, desktop_viewport, hand_over, phone_viewport

    with tempfile.TemporaryDirectory(prefix="chat-screenshots-") as folder:
        stack = Stack(Path(folder), website=True)
        stack.office_hours.write_text(ALWAYS_OPEN)
        visitor, advisor = chrome(), chrome()
        try:
            stack.start()
            add_advisor(stack.cases_db_url, "alice", "Alice Janssens")
            for browser in (visitor, advisor):
                desktop_viewport(browser)

            # the phone first, in Dutch: a question and its sourced answer
            phone = chrome()
            try:
                phone_viewport(phone)
                chat = ChatPage(phone, stack.website_url).load()
                chat.open_chat()
                chat.wait_for(bool, "the welcome message")
                chat.switch_language("nl")
                chat.wait_for(lambda lines: any(line.text.startswith("Hallo") for line in lines), "the welcome")
                chat.say("wat kost de inschrijving bij een ondernemingsloket?", "Bron:")
                time.sleep(0.5)
                snapshot(phone, out / "chat-phone.png")
            finally:
                phone.quit()

            chat = ChatPage(visitor, stack.website_url).load()
            chat.open_chat()
            chat.wait_for(bool, "the welcome message")
            chat.click_reply("Financing & subsidies", "Source:")
            time.sleep(0.5)
            snapshot(visitor, out / "chat-desktop.png")

            hand_over(chat, "Lotte", "late payments from my biggest customer")
            desk = DeskPage(advisor, stack.desk_url)
            desk.log_in("alice")
            row = desk.queue_row("Lotte")
            time.sleep(0.5)
            snapshot(advisor, out / "desk-queue.png")
            desk.open_case(row)
            desk.claim()
            reply = "Hello Lotte, I'm Alice from the agency. How late are the payments, and since when?"
            desk.reply(reply)
            chat.reply_after(0, reply, sender="advisor", seconds=10)
            chat.send("About 90 days, since the summer. Can we meet next week?")
            desk.wait_transcript("About 90 days, since the summer. Can we meet next week?")
            advisor.find_element(By.ID, "reply-text").send_keys("Yes: I'll send you an invitation by e-mail.")
            time.sleep(0.5)
            snapshot(advisor, out / "handoff-advisor.png")
            snapshot(visitor, out / "handoff-entrepreneur.png")
        finally:
            visitor.quit()
            advisor.quit()
            stack.stop()


def newest_report_chart(reports: Path = REPORTS) -> Optional[Path]:
    """The f1.png of the newest retrain report (report folders are named by their start time)."""
    charts = sorted(reports.glob("*/f1.png"), key=lambda p: p.parent.name)
    return charts[-1] if charts else None


def main() -> int:
    """Write the screenshots; exit 2 without Chromium."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--report-chart", type=Path, help="f1.png to use (default: the newest in reports/retrain)")
    args = parser.parse_args()
    reason = missing_browser()
    if reason is not None:
        print(f"Cannot take screenshots: {reason}", file=sys.stderr)
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    chat_pages(out)
    staff_pages(out)
    chart = args.report_chart or newest_report_chart()
    if chart is None:
        print("No retrain report yet (reports/retrain/*/f1.png): run `make retrain` first for retrain-f1.png.")
    else:
        save_small_png(chart, out / "retrain-f1.png")
        print(f"wrote {out / 'retrain-f1.png'} from {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
