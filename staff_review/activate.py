"""Makes a candidate model the active one: on disk for the next start, and in the running Rasa server.

The active model is `models/assistant.tar.gz` (what `make train` writes and `rasa run` loads). The previous
one is kept in `models/archive/` so a switch can be undone by activating it again. The running server gets the
new model through Rasa's HTTP API, `PUT /model` with `{"model_file": <absolute path>}` and a JWT signed with
the API token (`service_secrets.rasa_auth`):
Rasa loads it and swaps its agent; the tracker store is the same database, so no conversation is lost. Every
activation is one line in `reports/retrain/activations.log` (time, user, forced or not, reason, figures).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import requests

from service_secrets.rasa_auth import auth_headers
from service_secrets.tokens import RASA_TOKEN

ACTIVE_NAME = "assistant.tar.gz"
DEFAULT_RASA_URL = "http://localhost:5005"
CLIENT_NAME = "staff_review"
LOAD_TIMEOUT = 300  # loading a model takes 10-30 s on two cores; more while training runs beside it


def rasa_token() -> Optional[str]:
    """RASA_TOKEN (or RASA_TOKEN_FILE), or the token `make run` generated into $VAR_DIR/rasa_token; else None."""
    return RASA_TOKEN.find()


def rasa_url() -> str:
    """RASA_URL or the default local server."""
    return os.environ.get("RASA_URL") or DEFAULT_RASA_URL


def staff_user() -> str:
    """Who started the activation: STAFF_USER (set by the staff page) or the system user."""
    return os.environ.get("STAFF_USER") or getpass.getuser()


@dataclass
class Activation:
    """What happened: the active file, the archived previous one, and whether the running server took it."""

    active: Path
    archived: Optional[Path]
    server_loaded: bool
    server_message: str


def install(candidate: Path, models_dir: Path, stamp: str) -> tuple:
    """Copy the candidate over the active model file (atomically), archiving the previous one first."""
    models_dir.mkdir(parents=True, exist_ok=True)
    active = models_dir / ACTIVE_NAME
    archived = None
    if active.exists():
        archived = models_dir / "archive" / f"assistant-before-{stamp}.tar.gz"
        archived.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(active, archived)
    partial = models_dir / f".{ACTIVE_NAME}.partial"
    shutil.copyfile(candidate, partial)
    os.replace(partial, active)
    (models_dir / ".trained").touch()  # `make train` sees a model newer than the data it was trained on
    return active, archived


def load_into_server(model_file: Path, url: str, token: Optional[str]) -> tuple:
    """`PUT /model` on the running server; (loaded, message). A server that is not running is not an error."""
    headers = auth_headers(token, CLIENT_NAME) if token else {}
    try:
        response = requests.put(
            f"{url.rstrip('/')}/model",
            headers=headers,
            json={"model_file": str(model_file.resolve())},
            timeout=LOAD_TIMEOUT,
        )
    except requests.ConnectionError:
        return False, f"no Rasa server at {url}: it loads {model_file} when it starts"
    if response.status_code != 204:
        return False, f"the server refused the model: HTTP {response.status_code} {response.text[:300]}"
    status = requests.get(f"{url.rstrip('/')}/status", headers=headers, timeout=30)
    loaded = status.json().get("model_id") if status.ok else None
    expected = model_id(model_file)
    if loaded != expected:
        return False, f"the server at {url} answered the switch but runs model {loaded}, not {expected}"
    return True, f"the server at {url} now runs model {loaded} ({model_file.name})"


def model_id(model_file: Path) -> str:
    """The unique id Rasa gives a trained model (GET /status reports the loaded one's)."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    return str(LocalModelStorage.metadata_from_archive(model_file).model_id)


def log_activation(log_file: Path, *, forced: bool, reason: str, figures: dict, model: Path, server: str) -> None:
    """Append one line (JSON) to the activation log."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "user": staff_user(),
        "forced": forced,
        "reason": reason,
        "figures": figures,
        "model": str(model),
        "server": server,
    }
    with log_file.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def activate(
    candidate: Path,
    models_dir: Path,
    stamp: str,
    url: Optional[str] = None,
    token: Optional[str] = None,
) -> Activation:
    """Install the candidate as the active model and load it into the running server (if one runs)."""
    active, archived = install(candidate, models_dir, stamp)
    loaded, message = load_into_server(active, url or rasa_url(), token if token is not None else rasa_token())
    return Activation(active, archived, loaded, message)
