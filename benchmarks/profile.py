"""The per-message breakdown for the report: both servers started with the timing hooks and cProfile.

One user holds conversations of the six speed-issue texts in turn; afterwards the medians of each part are
tabled per text, and cProfile's top functions (cumulative time) of each server are listed.
"""

from __future__ import annotations

import json
import pstats
import statistics
import sys
from collections import defaultdict
from io import StringIO
from pathlib import Path
from typing import Any, Dict, List

import requests

from .load import TEXTS
from .processes import Assistant, this_assistant

TOP_FUNCTIONS = 12


def _instrumented(assistant: Assistant, workdir: Path) -> None:
    """Swap each process's command for the instrumented one, with its timings and cProfile files."""
    for process in assistant.processes:
        which = "rasa" if process.name == "rasa" else "actions"
        rest = process.args[1:] if which == "rasa" else process.args[3:]  # drop "rasa" / "rasa run actions"
        process.args = [sys.executable, "-m", "benchmarks.instrumented", which, *rest]
        process.env = {
            **process.env,
            "BENCH_TIMINGS": str(workdir / f"timings-{which}.jsonl"),
            "BENCH_CPROFILE": str(workdir / f"cprofile-{which}.prof"),
        }


def _records(path: Path) -> List[Dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _median(values: List[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def _readable(part: str) -> str:
    return part.replace("node run_", "").replace("node ", "")


def breakdown(workdir: Path) -> str:
    """Markdown: per text, the median milliseconds of each part; then per action, its parts inside the server."""
    rasa = [r for r in _records(workdir / "timings-rasa.jsonl") if r["label"] in TEXTS]
    actions = _records(workdir / "timings-actions.jsonl")
    lines = ["Median milliseconds per message, one user, measured inside the Rasa server (graph nodes = pipeline",
             "components and policies; `action server call` = the HTTP round trip, including the action's work):",
             ""]
    for text in TEXTS:
        rows = [r for r in rasa if r["label"] == text]
        if not rows:
            continue
        parts: Dict[str, List[float]] = defaultdict(list)
        for row in rows:
            for name, ms in row["parts"].items():
                parts[name].append(ms)
        total = _median([r["total_ms"] for r in rows])
        shown = sorted(((name, _median(v)) for name, v in parts.items()), key=lambda p: -p[1])
        listed = ", ".join(f"{_readable(name)} {ms}" for name, ms in shown if ms >= 0.5)
        lines.append(f"- **{text}** ({len(rows)} messages): total {total} ms — {listed}")
    lines += ["", "Inside the action server, median milliseconds per call:", ""]
    by_action: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for record in actions:
        by_action[record["label"]].append(record)
    for name, rows in sorted(by_action.items()):
        parts = defaultdict(list)
        for row in rows:
            for part, ms in row["parts"].items():
                parts[part].append(ms)
        inner = ", ".join(f"{part} {_median(v)}" for part, v in sorted(parts.items()))
        lines.append(f"- `{name}` ({len(rows)} calls): {_median([r['total_ms'] for r in rows])} ms"
                     + (f" — {inner}" if inner else ""))
    for which in ("rasa", "actions"):
        path = workdir / f"cprofile-{which}.prof"
        if path.exists():
            out = StringIO()
            pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(TOP_FUNCTIONS)
            body = out.getvalue().split("ncalls", 1)[-1]
            lines += ["", f"cProfile of the {which} server, top {TOP_FUNCTIONS} functions by own time:", "",
                      "```", "ncalls" + body.rstrip(), "```"]
    return "\n".join(lines)


def run(workdir: Path, model: Path, conversations: int = 15) -> str:
    """Start the instrumented servers, hold `conversations` conversations, stop them, return the breakdown."""
    assistant = this_assistant(workdir, model)
    _instrumented(assistant, workdir)
    assistant.start()
    try:
        for number in range(conversations):
            for text in TEXTS:
                requests.post(assistant.webhook, json={"sender": f"profile-{number}", "message": text}, timeout=60)
    finally:
        assistant.stop()
    return breakdown(workdir)
