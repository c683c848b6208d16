"""Browser fixtures: one real desk per module, one headless Chromium per module, evidence kept on failure.

The staff pages run on a desk with sample data (`desk`, `browser`); the chat runs on the session's real stack
(Rasa, action server, desk and the website: `chat_stack`) with one Chromium for the entrepreneur (`visitor`)
and one for the advisor (`advisor_browser`).

A test that fails leaves a screenshot, the page source and the browser console in
`reports/browser/<test name>/` (one set per browser, and the servers' logs). Every test also fails on a
SEVERE console message (a script error, a refused request, a CSP violation) logged while it ran.
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

from tests.servers import Stack

from .desk_fixture import ROOT, DeskProcess, chrome, console_messages, missing_browser

EVIDENCE = ROOT / "reports" / "browser"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Remember each phase's outcome on the test item, so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _require_browser() -> None:
    reason = missing_browser()
    if reason is not None:
        if os.environ.get("CI"):  # CI installs Chromium (`make browser`): a missing one is a failure there
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskProcess]:
    """`python -m advisor_desk` with a staff member, a plain advisor and realistic conversations."""
    _require_browser()
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
    _check_after_test(request, {"browser": (browser_session, seen)}, {"desk.log": desk.log})


@pytest.fixture
def chat_stack(request: pytest.FixtureRequest) -> Stack:
    """The session's real stack with the website started (Chromium checked first: no servers without it)."""
    _require_browser()
    running: Stack = request.getfixturevalue("stack")
    running.start_website()
    return running


@pytest.fixture
def visitor(request: pytest.FixtureRequest, chat_stack: Stack) -> Iterator[Any]:
    """A fresh Chromium for the entrepreneur (empty localStorage: a new visitor of the website)."""
    yield from _watched(request, "visitor", chat_stack)


@pytest.fixture
def advisor_browser(request: pytest.FixtureRequest, chat_stack: Stack) -> Iterator[Any]:
    """A second, separate Chromium for the advisor at the desk."""
    yield from _watched(request, "advisor", chat_stack)


def _watched(request: pytest.FixtureRequest, name: str, stack: Stack) -> Iterator[Any]:
    """A Chromium whose console is checked after the test, with evidence (and the servers' logs) on failure."""
    shutil.rmtree(_evidence_folder(request.node.name), ignore_errors=True)  # evidence of an earlier run
    driver = chrome()
    try:
        yield driver
        seen = console_messages(driver)
        logs = {f"{s.name}.log": s.log for s in (stack.rasa, stack.actions, stack.desk, stack.website)}
        _check_after_test(request, {name: (driver, seen)}, logs)
    finally:
        driver.quit()


def _check_after_test(
    request: pytest.FixtureRequest,
    browsers: Dict[str, Any],
    logs: Dict[str, Any],
) -> None:
    """Save evidence if the test failed or a browser logged a SEVERE message; fail on such a message."""
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    severe = [entry for _, seen in browsers.values() for entry in seen if entry.get("level") == "SEVERE"]
    if failed or severe:
        _save_evidence(request.node.name, browsers, logs)
    if severe and not failed:
        pytest.fail("SEVERE browser console messages:\n" + "\n".join(e.get("message", "") for e in severe))


def _evidence_folder(test_name: str) -> Path:
    return EVIDENCE / re.sub(r"[^\w.-]+", "_", test_name)


def _save_evidence(test_name: str, browsers: Dict[str, Any], logs: Dict[str, Any]) -> None:
    folder = _evidence_folder(test_name)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (driver, console) in browsers.items():
        prefix = "" if name == "browser" else f"{name}-"
        try:
            driver.save_screenshot(str(folder / f"{prefix}screenshot.png"))
            (folder / f"{prefix}page.html").write_text(driver.page_source, encoding="utf-8")
            (folder / f"{prefix}url.txt").write_text(driver.current_url + "\n", encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - evidence is best effort; the test's own failure matters
            (folder / f"{prefix}error.txt").write_text(f"could not capture the page: {exc}\n", encoding="utf-8")
        (folder / f"{prefix}console.json").write_text(json.dumps(console, indent=2), encoding="utf-8")
    for filename, read in logs.items():
        (folder / filename).write_text(read(), encoding="utf-8")
    print(f"browser evidence: {folder}")

