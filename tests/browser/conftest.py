"""Browser fixtures: one real desk per module, one headless Chromium per module, evidence kept on failure.

A test that fails leaves a screenshot, the page source and the browser console in
`reports/browser/<test name>/`. Every test also fails on a SEVERE console message (a script error, a
refused request, a CSP violation) logged while it ran.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List

import pytest

from .desk_fixture import ROOT, DeskProcess, chrome, console_messages, missing_browser

EVIDENCE = ROOT / "reports" / "browser"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Remember each phase's outcome on the test item, so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskProcess]:
    """`python -m advisor_desk` with a staff member, a plain advisor and realistic conversations."""
    reason = missing_browser()
    if reason is not None:
        if os.environ.get("CI"):  # CI installs Chromium (`make browser`): a missing one is a failure there
            pytest.fail(reason)
        pytest.skip(reason)
    running = DeskProcess(tmp_path_factory.mktemp("browser-desk")).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser_session(desk: DeskProcess) -> Iterator[Any]:
    """One headless Chromium for the module (starting one costs about a second)."""
    driver = chrome()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(request: pytest.FixtureRequest, browser_session: Any, desk: DeskProcess) -> Iterator[Any]:
    """The module's Chromium for one test: logged out, fresh console; evidence saved if the test fails."""
    console_messages(browser_session)  # drop what earlier tests left
    shutil.rmtree(_evidence_folder(request.node.name), ignore_errors=True)  # evidence of an earlier run
    browser_session.delete_all_cookies()
    seen: List[Dict[str, Any]] = []
    yield browser_session
    seen.extend(console_messages(browser_session))
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    severe = [entry for entry in seen if entry.get("level") == "SEVERE"]
    if failed or severe:
        _save_evidence(request.node.name, browser_session, seen, desk)
    if severe and not failed:
        pytest.fail("SEVERE browser console messages:\n" + "\n".join(e.get("message", "") for e in severe))


def _evidence_folder(test_name: str) -> Path:
    return EVIDENCE / re.sub(r"[^\w.-]+", "_", test_name)


def _save_evidence(test_name: str, driver: Any, console: List[Dict[str, Any]], desk: DeskProcess) -> None:
    folder = _evidence_folder(test_name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        driver.save_screenshot(str(folder / "screenshot.png"))
        (folder / "page.html").write_text(driver.page_source, encoding="utf-8")
        (folder / "url.txt").write_text(driver.current_url + "\n", encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - evidence is best effort; the test's own failure matters
        (folder / "error.txt").write_text(f"could not capture the page: {exc}\n", encoding="utf-8")
    (folder / "console.json").write_text(json.dumps(console, indent=2), encoding="utf-8")
    (folder / "desk.log").write_text(desk.log(), encoding="utf-8")
    print(f"browser evidence: {folder}")

