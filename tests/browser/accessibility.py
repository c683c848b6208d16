"""axe-core in the page under test: the accessibility rules a screen-reader or keyboard user depends on.

axe-core is vendored (tests/browser/vendor/, version and licence in its README) and injected into the page
by the test; the page itself never loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = ("serious", "critical")  # the impacts that fail a test; minor and moderate ones are reported only


def axe_violations(driver: Any) -> List[Dict[str, Any]]:
    """Run axe-core (WCAG 2.x A and AA rules and best practices) on the page as it is now; its violations."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        window.axe.run(document, {resultTypes: ['violations']})
          .then((r) => done(r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary),
          }))))
          .catch((e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
        """
    )
    return list(result)


def assert_accessible(driver: Any, page: str) -> None:
    """Fail with axe's findings when the page has a serious or critical violation."""
    driver.set_script_timeout(30)
    blocking = [v for v in axe_violations(driver) if v.get("impact") in BLOCKING]
    if blocking:
        described = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5]) for v in blocking
        )
        raise AssertionError(f"accessibility violations on {page}:\n{described}")
