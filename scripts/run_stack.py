"""Starts the whole assistant on the embedded default (SQLite) and stops it cleanly on Ctrl-C.

    python scripts/run_stack.py           # action server, Rasa server, advisor desk, demo website
    python scripts/run_stack.py --shell   # action server + `rasa shell` in this terminal
    python scripts/run_stack.py --prod    # production mode: PostgreSQL, Redis, several Rasa processes (README)

Ports come from ACTION_PORT (5055), RASA_PORT (5005), DESK_PORT (5080) and WEBSITE_PORT (5070); the Rasa server
finds the action server through ACTION_PORT (endpoints.yml). The website's chat connects to the Rasa server at
CHAT_SOCKET_URL (default http://localhost:$RASA_PORT), which accepts the website's origin (CHAT_ALLOWED_ORIGINS,
default: the website's address on localhost and 127.0.0.1). Local databases live in VAR_DIR (var). The Rasa HTTP API is
protected by RASA_TOKEN, the action server by ACTION_SERVER_TOKEN; each unset token is generated once and kept in
$VAR_DIR (mode 600). Rasa is started by `assistant_components.serve_rasa`, which reads its token itself, so no token
is ever on a command line; clients send a JWT signed with it in a header (`service_secrets`).
Conversations go to $VAR_DIR/rasa_tracker.db, or to the database in TRACKER_DB_URL (e.g. PostgreSQL) when set.
The model is the newest in models/, or MODEL_PATH (a file or a folder); when there is none, or it is damaged, the
script says so and how to fix it, and exits with status 2 before starting anything (scripts/model_check.py).

With --prod (`make run-prod`) every store is shared (serving/production.py): conversations, cases and knowledge
on PostgreSQL, conversation locks and the socket.io rooms on Redis; RASA_PROCESSES (2) Rasa servers listen on
internal ports behind rasa_proxy on RASA_PORT, and the action server runs ACTION_WORKERS (2) workers.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from scripts.model_check import find_model, model_path  # noqa: E402
from service_secrets.rasa_auth import auth_headers  # noqa: E402
from service_secrets.tokens import ACTION_SERVER_TOKEN, RASA_TOKEN, with_action_server_token  # noqa: E402
from serving import lock_store, production  # noqa: E402
from staff_review.tracker_db import configured_url, password_environment, tracker_store_section  # noqa: E402


def var_dir() -> Path:
    """The data folder: VAR_DIR (relative to the repository root) or var/."""
    folder = Path(os.environ.get("VAR_DIR") or "var")
    return folder if folder.is_absolute() else ROOT / folder


def endpoints_file(action_port: str, lock_store_url: Optional[str] = None) -> Path:
    """endpoints.yml with the action server's port and the tracker store of this run, written to $VAR_DIR.

    The tracker store is the SQLite file in the data folder, or the database in TRACKER_DB_URL; with
    `lock_store_url` (production) the conversations' locks are on that Redis instead of in the process.
    """
    endpoints = with_action_server_token(yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")))
    endpoints["action_endpoint"]["url"] = f"http://localhost:{action_port}/webhook"
    tracker_url = configured_url()
    if tracker_url:
        endpoints["tracker_store"] = tracker_store_section(tracker_url)
    else:
        endpoints["tracker_store"]["db"] = str(var_dir() / "rasa_tracker.db")
    if lock_store_url:
        endpoints["lock_store"] = lock_store.lock_store_section(lock_store_url)
    path = var_dir() / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written by scripts/run_stack.py from endpoints.yml; do not edit.\n" + yaml.safe_dump(endpoints))
    return path


def wait_for(
    url: str,
    seconds: float,
    token: Optional[str] = None,
    key: Optional[str] = None,
    processes: Sequence[subprocess.Popen] = (),
) -> bool:
    """Poll `url` until it answers 200 (and, with `key`, until that field is set); `token`: Rasa's, sent as a JWT.

    Gives up at once (False) when one of `processes` has exited: nothing would answer any more.
    """
    deadline = time.time() + seconds
    while time.time() < deadline and all(p.poll() is None for p in processes):
        try:
            headers = auth_headers(token, "run_stack") if token else None
            response = requests.get(url, headers=headers, timeout=2)
            if response.status_code == 200 and (key is None or response.json().get(key)):
                return True
        except (requests.RequestException, ValueError):
            pass
        time.sleep(1)
    return False


def stop(processes: List[subprocess.Popen]) -> None:
    """Terminate children, then kill whatever has not exited after 15 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def rasa_server(port: str, host: str, endpoints: str, model: Path, env: Dict[str, str]) -> subprocess.Popen:
    """One Rasa server (REST, socket.io, HTTP API), started by serve_rasa, which reads its token itself.

    No `--cors`: the socket.io channel answers browsers' CORS requests itself (CHAT_ALLOWED_ORIGINS), and Sanic's
    CORS headers on top of its own make browsers refuse the chat ("multiple values" for
    Access-Control-Allow-Origin). REST and the HTTP API are for servers, which need no CORS.
    """
    return subprocess.Popen(
        [
            *(str(BIN / "python"), "-m", "assistant_components.serve_rasa", "--enable-api"),
            *("--interface", host, "--port", port, "--endpoints", endpoints, "--model", str(model)),
        ],
        cwd=ROOT,
        env=env,
    )


def production_site() -> production.Production:
    """The production settings, or exit with the reason when they are wrong or a store does not answer."""
    try:
        site = production.from_env()
        problems = production.unreachable(site)
    except ValueError as error:
        problems = [str(error)]
    if problems:
        print("Production mode cannot start:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(2)
    return site


def urls(rasa_port: str, action_port: str, desk_port: str, website_port: str, rasa_processes: List[str]) -> List[str]:
    """What `make run` prints: where each service is, and each one's health URL."""
    lines = [
        f"  Website + chat:   http://localhost:{website_port}/  (the demo page with the chat)",
        f"  Chat (REST):      POST http://localhost:{rasa_port}/webhooks/rest/webhook"
        ' {"sender": "me", "message": "hello"}',
        f"  Chat (socket.io): http://localhost:{rasa_port}/socket.io",
        f"  Rasa HTTP API:    http://localhost:{rasa_port}/status  (Authorization: Bearer <JWT signed with"
        " $VAR_DIR/rasa_token>; README Service tokens)",
        f"  Action server:    http://localhost:{action_port}/health",
        f"  Advisor desk:     http://localhost:{desk_port}/",
        "                    first account: make advisor USERNAME=you ROLE=admin",
        f"  Staff review:     http://localhost:{desk_port}/staff (role staff or admin; README Staff guide)",
    ]
    if rasa_processes:
        lines[1:1] = [f"  Rasa proxy:       http://localhost:{rasa_port}/health  (both Rasa processes behind it)"]
        lines += [
            f"  Rasa process {n}:   http://localhost:{port}/  (internal; health: this URL, model: /status)"
            for n, port in enumerate(rasa_processes, start=1)
        ]
    lines += [
        "  Health:           "
        + ", ".join(
            [
                f"http://localhost:{rasa_port}/" + ("health" if rasa_processes else ""),
                f"http://localhost:{action_port}/health",
                f"http://localhost:{desk_port}/health",
                f"http://localhost:{website_port}/health",
            ]
        ),
    ]
    return lines


def main() -> int:
    """Start the services, print where they listen, and stop them all on Ctrl-C or when one stops."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shell", action="store_true", help="talk to the bot in this terminal")
    parser.add_argument(
        "--prod", action="store_true", help="production mode: PostgreSQL, Redis, several Rasa processes"
    )
    args = parser.parse_args()
    model, problem = find_model(model_path(ROOT))
    if model is None:
        print(f"Cannot start the assistant. {problem}", file=sys.stderr)
        return 2
    site = production_site() if args.prod else None
    if site:  # the stores below read these variables too (endpoints file, chat secret's folder)
        os.environ.update(site.environment())
    action_port = os.environ.get("ACTION_PORT", "5055")
    rasa_port = os.environ.get("RASA_PORT", "5005")
    desk_port = os.environ.get("DESK_PORT", "5080")
    website_port = os.environ.get("WEBSITE_PORT", "5070")
    host = os.environ.get("LISTEN_HOST") or "127.0.0.1"  # every service on loopback unless told otherwise
    internal_ports: List[str] = []
    if site:
        try:
            internal_ports = [str(p) for p in production.rasa_process_ports(int(rasa_port), site.rasa_processes)]
        except ValueError as error:
            print(f"Production mode cannot start: {error}", file=sys.stderr)
            return 2
    token = RASA_TOKEN.get()  # made now if missing, so every service reads the same file
    env = {
        **os.environ,
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN.get(),  # the action server checks it; Rasa's endpoints send it
        "RASA_URL": f"http://localhost:{rasa_port}",
        "DESK_PORT": desk_port,
        "ACTION_PORT": action_port,
        "WEBSITE_PORT": website_port,
        "CHAT_SOCKET_URL": os.environ.get("CHAT_SOCKET_URL") or f"http://localhost:{rasa_port}",
        "CHAT_ALLOWED_ORIGINS": os.environ.get("CHAT_ALLOWED_ORIGINS")
        or f"http://localhost:{website_port},http://127.0.0.1:{website_port}",
        "VAR_DIR": str(var_dir()),
        "SANIC_HOST": host,  # the action server's interface (rasa-sdk reads it; its default is 0.0.0.0)
        **password_environment(configured_url()),  # Rasa expands ${TRACKER_DB_PASSWORD} from it
    }
    # points the Rasa server at ACTION_PORT and VAR_DIR, and at the Redis lock store (production, or LOCK_STORE_URL)
    lock_store_url = site.lock_store_url if site else lock_store.configured_url()
    env.update(lock_store.password_environment(lock_store_url))  # Rasa expands ${LOCK_STORE_PASSWORD} from it
    try:
        endpoints = str(endpoints_file(action_port, lock_store_url))
    except ValueError as error:  # a LOCK_STORE_URL that is no Redis URL
        print(error, file=sys.stderr)
        return 2
    processes: List[subprocess.Popen] = []
    # Ctrl-C (SIGINT) and SIGTERM both stop everything, even when started where SIGINT was ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        processes.append(
            subprocess.Popen(  # `rasa run actions`, with JSON logs from the first line in production
                [str(BIN / "python"), "-m", "rasa_sdk_plugins.serve_actions", "--port", action_port], cwd=ROOT, env=env
            )
        )
        if args.shell:
            wait_for(f"http://localhost:{action_port}/health", 60)
            shell = [str(BIN / "rasa"), "shell", "--endpoints", endpoints, "--model", str(model)]
            return subprocess.call(shell, cwd=ROOT, env=env)
        for port in internal_ports or [rasa_port]:  # behind the proxy, the Rasa processes stay on loopback
            processes.append(rasa_server(port, "127.0.0.1" if internal_ports else host, endpoints, model, env))
        if internal_ports:  # the public port is the proxy's
            backends = [a for port in internal_ports for a in ("--backend", f"http://127.0.0.1:{port}")]
            processes.append(
                subprocess.Popen(
                    [str(BIN / "python"), "-m", "rasa_proxy", "--host", host, "--port", rasa_port, *backends],
                    cwd=ROOT,
                    env=env,
                )
            )
        for module, port in (("advisor_desk", desk_port), ("website", website_port)):
            processes.append(
                subprocess.Popen([str(BIN / "python"), "-m", module, "--host", host, "--port", port], cwd=ROOT, env=env)
            )
        ready = all(
            wait_for(f"http://localhost:{port}/status", 300, token, key="model_file", processes=processes)
            for port in internal_ports or [rasa_port]
        )
        if internal_ports:
            ready = ready and wait_for(f"http://localhost:{rasa_port}/health", 30, processes=processes)
        mode = f" (production: {len(internal_ports)} Rasa processes, PostgreSQL, Redis)" if site else ""
        print(
            "\n".join(
                [
                    "",
                    "The assistant is " + ("ready" if ready else "still starting (see the logs above)") + mode + ".",
                    *urls(rasa_port, action_port, desk_port, website_port, internal_ports),
                    "Press Ctrl-C to stop everything.",
                    "",
                ]
            ),
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        print("A service stopped; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
