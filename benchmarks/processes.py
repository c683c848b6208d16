"""The servers a benchmark measures: each a process of the project's venv on a free loopback port."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests
import yaml

from service_secrets.tokens import with_action_server_token

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], bool], seconds: float) -> bool:
    """Poll `check()` every 0.1 s until it is true (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.1)
    return False


class Process:
    """One server process with its log file; `peak_rss_mb` reads the kernel's high-water mark."""

    def __init__(self, name: str, args: List[str], env: Dict[str, str], cwd: Path, log_dir: Path) -> None:
        self.name, self.args, self.env, self.cwd = name, args, env, cwd
        self.log_path = log_dir / f"{name}.log"
        self.popen: Optional[subprocess.Popen] = None

    def start(self) -> None:
        """Start the process in its own session (so stop() also ends its children)."""
        with open(self.log_path, "a") as log:
            self.popen = subprocess.Popen(
                self.args, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 20 s."""
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)

    def peak_rss_mb(self) -> Optional[float]:
        """VmHWM of the process (Linux), in MB; None where /proc does not tell."""
        if not self.popen:
            return None
        try:
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None


@dataclass
class Assistant:
    """A running assistant: its REST webhook, its processes, and how long it took to answer a first message."""

    name: str
    rasa_port: int
    processes: List[Process] = field(default_factory=list)
    cold_start_s: Optional[float] = None

    @property
    def base_url(self) -> str:
        """The Rasa server."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def webhook(self) -> str:
        """The REST channel's URL."""
        return f"{self.base_url}/webhooks/rest/webhook"

    def start(self, seconds: float = 600) -> "Assistant":
        """Start every process at once and time until a REST message gets a reply."""
        started = time.monotonic()
        for process in self.processes:
            process.start()

        def answers() -> bool:
            reply = requests.post(self.webhook, json={"sender": "bench-warmup", "message": "hello"}, timeout=30)
            return reply.status_code == 200 and bool(reply.json())

        if not wait_until(answers, seconds):
            self.stop()
            logs = "\n".join(p.log_path.read_text(errors="replace")[-2000:] for p in self.processes)
            raise RuntimeError(f"{self.name} did not answer within {seconds:.0f} s:\n{logs}")
        self.cold_start_s = time.monotonic() - started
        return self

    def stop(self) -> None:
        """Stop every process."""
        for process in reversed(self.processes):
            process.stop()

    def peak_rss_mb(self) -> Dict[str, Optional[float]]:
        """Peak resident memory of each process by name."""
        return {p.name: p.peak_rss_mb() for p in self.processes}


def base_env() -> Dict[str, str]:
    """The environment every server of the run shares."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
        "SANIC_HOST": "127.0.0.1",  # the action server on loopback, as `make run` starts it
    }


def this_assistant(workdir: Path, model: Path) -> Assistant:
    """The action server and Rasa server as `make run` starts them (SQLite tracker store in `workdir`)."""
    action_port, rasa_port = free_port(), free_port()
    endpoints = with_action_server_token(yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")))
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    endpoints["tracker_store"]["db"] = str(workdir / "rasa_tracker.db")
    (workdir / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    env = {
        **base_env(),
        "VAR_DIR": str(workdir),
        "CASES_DB_URL": f"sqlite:///{workdir / 'cases.db'}",
        "KNOWLEDGE_DB_URL": f"sqlite:///{workdir / 'knowledge.db'}",
        "CHAT_ALLOWED_ORIGINS": "http://localhost:5070",  # benchmarks.load.WEBSITE_ORIGIN
        "CHAT_SECRET": "benchmark-only-secret",
        "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),  # Rasa sends it (with_action_server_token)
    }
    actions = Process("actions", [str(BIN / "rasa"), "run", "actions", "--port", str(action_port)], env, ROOT, workdir)
    rasa = Process(
        "rasa",
        [
            *(str(BIN / "rasa"), "run", "--port", str(rasa_port), "--interface", "127.0.0.1"),
            *("--endpoints", str(workdir / "endpoints.yml"), "--model", str(model)),
        ],
        env,
        ROOT,
        workdir,
    )
    return Assistant("this assistant", rasa_port, [actions, rasa])


def plain_assistant(project: Path, workdir: Path) -> Assistant:
    """`rasa run` in a `rasa init` project (its default in-memory tracker store, no action server)."""
    rasa_port = free_port()
    rasa = Process(
        "rasa",
        [str(BIN / "rasa"), "run", "--port", str(rasa_port), "--interface", "127.0.0.1", "--model", "models"],
        base_env(),
        project,
        workdir,
    )
    return Assistant("plain rasa init", rasa_port, [rasa])
