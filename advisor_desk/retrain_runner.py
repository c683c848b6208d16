"""Starting the retrain pipeline from the staff page, in the background, one run at a time.

The desk writes the pending decisions to a review file and runs `python -m staff_review retrain <file>` as a
child process with its output in a log file; the page polls the status. The pipeline itself (merge, validate,
train, compare, activate) is the CLI's job: what the page starts is exactly what staff can run by hand.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy.engine import Engine

from cases.database import ROOT, data_dir
from staff_review.review_file import write_csv_rows

from . import review_store

log = logging.getLogger(__name__)

DEFAULT_COMMAND = (sys.executable, "-m", "staff_review", "retrain")
LOG_TAIL_LINES = 60


def write_review_file(decisions: List[Dict[str, Any]], path: Path) -> Path:
    """Write decisions as a review CSV (the same columns as `make review-export`, filled in)."""
    rows = (
        {
            "key": decision["key"],
            "text": decision["text"],
            "language": decision["language"],
            "predicted_intent": decision["predicted_intent"] or "",
            "confidence": "" if decision["confidence"] is None else f"{decision['confidence']:.4f}",
            "count": decision["count"],
            "outcomes": " ".join(decision["outcomes"]),
            "correct_intent": decision["correct_intent"],
            "knowledge_entry": decision["knowledge_entry"] or "",
            "note": decision["note"],
        }
        for decision in decisions
    )
    return write_csv_rows(rows, path)


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a run's log ("" when it does not exist yet)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64_000))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class RetrainRunner:
    """Starts and watches retrain runs of one desk.

    Attributes:
        command: The pipeline command; the review file's path is appended.
        work_dir: Where review files and logs go (default `$VAR_DIR/review`).
        env: Extra environment for the pipeline (the desk passes Rasa's URL and token for activation).
    """

    command: Sequence[str] = DEFAULT_COMMAND
    work_dir: Optional[Path] = None
    env: Dict[str, str] = field(default_factory=dict)
    _process: Optional[asyncio.subprocess.Process] = field(default=None, init=False, repr=False)
    _waiter: Optional["asyncio.Task[None]"] = field(default=None, init=False, repr=False)
    _run_id: Optional[int] = field(default=None, init=False, repr=False)

    def folder(self) -> Path:
        """The folder for review files and logs."""
        return self.work_dir or data_dir() / "review"

    async def start(self, engine: Engine, advisor_id: int) -> Dict[str, Any]:
        """Take every pending decision, write the review file and start the pipeline on it.

        Raises:
            review_store.Conflict: A run is going already, or nothing is pending.
        """
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        review_file = self.folder() / f"review-{stamp}.csv"
        log_file = self.folder() / f"retrain-{stamp}.log"
        run = await asyncio.to_thread(review_store.start_run, engine, advisor_id, str(review_file), str(log_file))
        try:
            await asyncio.to_thread(write_review_file, run["decisions"], review_file)
            with log_file.open("wb") as log_handle:
                self._process = await asyncio.create_subprocess_exec(
                    *self.command,
                    str(review_file),
                    cwd=str(ROOT),
                    env={**os.environ, **self.env},
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log_handle,
                    stderr=asyncio.subprocess.STDOUT,
                )
        except Exception:
            await asyncio.to_thread(review_store.finish_run, engine, run["id"], None, "failed")
            raise
        self._run_id = run["id"]
        await asyncio.to_thread(review_store.set_pid, engine, run["id"], self._process.pid)
        log.info("Retrain run %s started (pid %s) on %s", run["id"], self._process.pid, review_file)
        self._waiter = asyncio.create_task(self._wait(engine, run["id"], self._process))
        return {key: value for key, value in run.items() if key != "decisions"}

    async def _wait(self, engine: Engine, run_id: int, process: asyncio.subprocess.Process) -> None:
        exit_code = await process.wait()
        log.info("Retrain run %s ended with exit code %s", run_id, exit_code)
        await asyncio.to_thread(review_store.finish_run, engine, run_id, exit_code)
        self._process = None

    async def wait(self) -> None:
        """Wait for the current run to end (tests; the page polls instead)."""
        if self._waiter is not None:
            await self._waiter

    async def stop(self, engine: Engine) -> None:
        """Desk shutting down: end our running pipeline and mark the run interrupted."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        if self._waiter is not None:
            self._waiter.cancel()
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
        if self._run_id is not None:
            await asyncio.to_thread(review_store.finish_run, engine, self._run_id, process.returncode, "interrupted")
