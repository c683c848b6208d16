"""Starts the real services for tests: the action server, the Rasa server, the advisor desk and the website.

Each runs as its own process from the project's venv, on a free port, with its databases in a temporary
folder, exactly as `make run` starts them (but with test settings). The website (the demo page with the chat)
starts only for the tests that open it (`Stack(website=True)` or `start_website()`).
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import requests
import yaml

from service_secrets.rasa_auth import auth_headers
from service_secrets.tokens import with_action_server_token
from serving import lock_store
from staff_review.tracker_db import password_environment, tracker_store_section
from tests.chat_client import WEBSITE_ORIGIN

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ALWAYS_OPEN = "timezone: Europe/Brussels\nhours: {%s}\nclosed_dates: []\n" % ", ".join(
    f'{d}: ["00:00", "24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
DESK_PASSWORD = "correct horse battery staple"
ALWAYS_CLOSED = "timezone: Europe/Brussels\nhours: {}\nclosed_dates: []\n"


# Ports handed out in this test run: the same port is never given to two services.
_GIVEN_PORTS: Set[int] = set()


def _ephemeral_range() -> range:
    """The ports the kernel gives outgoing connections (Linux's default when /proc does not say)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port() -> int:
    """A TCP port nothing listens on right now, below the kernel's ephemeral range and new in this run.

    A port from bind(("127.0.0.1", 0)) lies in the ephemeral range, where the kernel also picks the local port of
    every outgoing connection (to PostgreSQL, Redis, another service): between this call and the service's own
    bind, such a connection could take it ("address already in use", seen once in the two-process test). Ports
    below that range are only ever bound on purpose.
    """
    ephemeral = _ephemeral_range()
    low, high = (20000, ephemeral.start) if ephemeral.start > 21000 else (ephemeral.stop, 65536)
    rng = random.Random()
    for _attempt in range(200):
        port = rng.randrange(low, high)
        if port in _GIVEN_PORTS:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _GIVEN_PORTS.add(port)
        return port
    raise RuntimeError(f"no free port between {low} and {high}")


def project_endpoints() -> Dict[str, Any]:
    """endpoints.yml as `make run` starts from it."""
    return yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))


def wait_until(check, seconds: float, what: str) -> None:
    """Poll `check()` until truthy, or fail with `what`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")


class Service:
    """One subprocess with its log file."""

    def __init__(self, name: str, args: List[str], env: Dict[str, str], log_dir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log_path = log_dir / f"{name}.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        with open(self.log_path, "a") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Stack:
    """Action server + Rasa server (+ desk), configured for one test session.

    Conversations go to a SQLite file in `workdir`, or to `tracker_db_url` (any SQLAlchemy URL) when given,
    written into the endpoints file the same way `make run` does it (staff_review.tracker_db). With
    `lock_store_url` (redis://...) the conversations' locks are on Redis. With `rasa_processes` > 1 the stack is
    production mode's: that many Rasa servers (`rasas`, on `rasa_process_urls`) behind rasa_proxy, which is
    `rasa_url`. `extra_env` is added to every service's environment last (e.g. CASES_DB_URL,
    SOCKETIO_REDIS_URL, ACTION_SERVER_SANIC_WORKERS).
    """

    def __init__(
        self,
        workdir: Path,
        tracker_db_url: Optional[str] = None,
        model: Optional[Path] = None,
        website: bool = False,
        lock_store_url: Optional[str] = None,
        rasa_processes: int = 1,
        extra_env: Optional[Dict[str, str]] = None,
    ) -> None:
        self.workdir = workdir
        self.token = secrets.token_hex(16)
        self.action_server_token = secrets.token_hex(16)
        self.action_port, self.rasa_port, self.desk_port = free_port(), free_port(), free_port()
        self.website_port = free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        # each Rasa server's own address; with one process it is rasa_url, with several the proxy is
        process_ports = [self.rasa_port] if rasa_processes == 1 else [free_port() for _ in range(rasa_processes)]
        self.rasa_process_urls = [f"http://127.0.0.1:{port}" for port in process_ports]
        self.desk_url = f"http://127.0.0.1:{self.desk_port}"
        self.action_url = f"http://127.0.0.1:{self.action_port}"
        self.website_url = f"http://127.0.0.1:{self.website_port}"
        self.with_website = website
        self.office_hours = workdir / "office_hours.yml"
        self.office_hours.write_text(ALWAYS_OPEN)
        self.cases_db_url = f"sqlite:///{workdir / 'cases.db'}"
        self.tracker_db_url = tracker_db_url or f"sqlite:///{workdir / 'tracker.db'}"
        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(
            yaml.safe_dump(
                {
                    # endpoints.yml's settings (selective domain), pointed at this stack's action server
                    "action_endpoint": {
                        **with_action_server_token(project_endpoints())["action_endpoint"],
                        "url": f"{self.action_url}/webhook",
                    },
                    "tracker_store": tracker_store_section(self.tracker_db_url),
                    **({"lock_store": lock_store.lock_store_section(lock_store_url)} if lock_store_url else {}),
                }
            )
        )
        env = {
            **os.environ,
            "CASES_DB_URL": self.cases_db_url,
            "TRACKER_DB_URL": self.tracker_db_url,
            **password_environment(self.tracker_db_url),
            "KNOWLEDGE_DB_URL": f"sqlite:///{workdir / 'knowledge.db'}",
            "OFFICE_HOURS_FILE": str(self.office_hours),
            "RASA_URL": self.rasa_url,
            "RASA_TOKEN": self.token,  # through the environment: never on a command line (ps shows those)
            "ACTION_SERVER_TOKEN": self.action_server_token,  # the action server checks it; Rasa sends it
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_HOST": "127.0.0.1",  # the action server on loopback, as `make run` starts it
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # browsers on the test website (any free port) and tests/chat_client.py (the demo site's default
            # origin) may open the chat; the Rasa server refuses every other origin
            "CHAT_ALLOWED_ORIGINS": f"{self.website_url},http://localhost:{self.website_port},{WEBSITE_ORIGIN}",
            "CHAT_SOCKET_URL": self.rasa_url,
            **lock_store.password_environment(lock_store_url),
            **(extra_env or {}),
        }
        self.env = env
        self.cases_db_url = env["CASES_DB_URL"]
        self.actions = Service(
            "actions",
            [str(BIN / "python"), "-m", "rasa_sdk_plugins.serve_actions", "--port", str(self.action_port)],
            env,
            workdir,
        )
        self.rasas = [
            Service(
                "rasa" if rasa_processes == 1 else f"rasa-{number}",
                [
                    str(BIN / "python"),
                    "-m",
                    "assistant_components.serve_rasa",  # `rasa run`, its token read from RASA_TOKEN
                    "--enable-api",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--endpoints",
                    str(endpoints),
                    "--model",
                    str(model or ROOT / "models"),  # a folder: its newest model; or one model file
                ],
                env,
                workdir,
            )
            for number, port in enumerate(process_ports, start=1)
        ]
        self.rasa = self.rasas[0]
        backends = [arg for url in self.rasa_process_urls for arg in ("--backend", url)]
        self.proxy: Optional[Service] = None
        if rasa_processes > 1:
            self.proxy = Service(
                "proxy",
                [str(BIN / "python"), "-m", "rasa_proxy", "--port", str(self.rasa_port), *backends],
                env,
                workdir,
            )
        self.desk = Service(
            "desk", [str(BIN / "python"), "-m", "advisor_desk", "--port", str(self.desk_port)], env, workdir
        )
        self.website = Service(
            "website", [str(BIN / "python"), "-m", "website", "--port", str(self.website_port)], env, workdir
        )

    def start(self) -> None:
        self.actions.start()
        for rasa in self.rasas:
            rasa.start()
        if self.proxy:
            self.proxy.start()
        self.desk.start()
        if self.with_website:
            self.website.start()
        self.wait_for_actions()
        for url in self.rasa_process_urls:
            wait_until(
                lambda url=url: (
                    requests.get(f"{url}/status", headers=self.rasa_auth(), timeout=5).json().get("model_file")
                ),
                300,
                f"Rasa server at {url} (model loaded)",
            )
        if self.proxy:
            wait_until(lambda: requests.get(f"{self.rasa_url}/health", timeout=10).ok, 60, "Rasa proxy")
        wait_until(lambda: requests.get(f"{self.desk_url}/health", timeout=5).ok, 60, "advisor desk")
        if self.with_website:
            self.wait_for_website()

    def start_website(self) -> None:
        """Start the website now, if it is not running yet (tests that open the chat page call this)."""
        process = self.website.process
        if process is None or process.poll() is not None:
            self.website.start()
        self.with_website = True
        self.wait_for_website()

    def wait_for_website(self) -> None:
        wait_until(lambda: requests.get(f"{self.website_url}/health", timeout=5).ok, 30, "website")

    def wait_for_actions(self) -> None:
        wait_until(lambda: requests.get(f"{self.action_url}/health", timeout=5).ok, 120, "action server")

    def stop(self) -> None:
        for service in (self.website, self.desk, self.proxy, *self.rasas, self.actions):
            if service:
                service.stop()

    # --- the advisor desk
    def create_advisor(self, username: str, role: str = "advisor") -> None:
        """An account on the desk, made with the desk's own command (password DESK_PASSWORD)."""
        subprocess.run(
            [str(BIN / "python"), "-m", "advisor_desk.manage", "create-advisor"]
            + ["--username", username, "--role", role],
            cwd=ROOT,
            env={**self.env, "DESK_PASSWORD": DESK_PASSWORD},
            check=True,
            capture_output=True,
        )

    def desk_session(self, username: str) -> requests.Session:
        """A requests session logged in to the desk's API as `username`."""
        session = requests.Session()
        # The desk's CSRF guard: state-changing calls are JSON from the desk's own origin, as its pages send them.
        session.headers.update({"Origin": self.desk_url, "Content-Type": "application/json"})
        response = session.post(
            f"{self.desk_url}/api/login", json={"username": username, "password": DESK_PASSWORD}, timeout=10
        )
        response.raise_for_status()
        session.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return session

    def rasa_auth(self) -> Dict[str, str]:
        """The header that opens Rasa's HTTP API: a short-lived JWT signed with the token, as the desk sends it."""
        return auth_headers(self.token, "tests")

    # --- talking to the bot
    def say(self, sender: str, text: Any, metadata: Optional[dict] = None, via: Optional[str] = None) -> List[dict]:
        """Send one message over the REST channel (to `via`, one Rasa server's URL, if given); the bot's replies."""
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{via or self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, via: Optional[str] = None) -> dict:
        response = requests.get(
            f"{via or self.rasa_url}/conversations/{sender}/tracker", headers=self.rasa_auth(), timeout=30
        )
        response.raise_for_status()
        return response.json()


def text_of(replies: List[dict]) -> str:
    """Everything a user would see: texts and button titles."""
    parts = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        parts += [b.get("title", "") for b in reply.get("buttons") or []]
    return "\n".join(p for p in parts if p)


def payloads(replies: List[dict]) -> List[str]:
    """Button payloads offered in the replies."""
    return [b.get("payload", "") for r in replies for b in r.get("buttons") or []]
