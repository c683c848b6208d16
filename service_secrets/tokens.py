"""The two service tokens: the Rasa HTTP API's (RASA_TOKEN) and the action server's (ACTION_SERVER_TOKEN).

Each comes from its environment variable, else from the file its `*_FILE` variable names (a mounted
Kubernetes Secret, say), else from a file in the data folder `VAR_DIR` that is generated once (0600) when
missing. Processes on one machine thus agree without the token ever being passed on a command line.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

from cases.database import data_dir

from .files import SecretFileError, read_or_create


@dataclass(frozen=True)
class TokenSource:
    """Where one token is configured: an environment variable, its `_FILE` variant, a file in VAR_DIR."""

    env: str
    filename: str

    @property
    def file_env(self) -> str:
        """The variable that names a file holding the token."""
        return f"{self.env}_FILE"

    def generated_file(self) -> Path:
        """The file in the data folder that keeps a generated token."""
        return data_dir() / self.filename

    def configured(self) -> Optional[str]:
        """The token from the environment variable or the file its `_FILE` variable names; None if neither is set.

        Raises:
            SecretFileError: The `_FILE` variable names a missing or empty file.
        """
        if os.environ.get(self.env):
            return os.environ[self.env]
        named = os.environ.get(self.file_env)
        if not named:
            return None
        try:
            value = Path(named).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SecretFileError(f"{self.file_env}={named} cannot be read ({error.strerror}).") from error
        if not value:
            raise SecretFileError(f"{self.file_env}={named} is an empty file.")
        return value

    def get(self) -> str:
        """The configured token, else the one generated once into the data folder."""
        configured = self.configured()
        if configured:
            return configured
        made = read_or_create(self.generated_file(), lambda: secrets.token_urlsafe(32).encode("ascii"), self.env)
        return made.decode("utf-8").strip()

    def find(self) -> Optional[str]:
        """The configured or already generated token, without generating one (None when there is none)."""
        configured = self.configured()
        if configured or not self.generated_file().exists():
            return configured
        return self.get()


RASA_TOKEN = TokenSource("RASA_TOKEN", "rasa_token")
ACTION_SERVER_TOKEN = TokenSource("ACTION_SERVER_TOKEN", "action_server_token")


# Rasa expands ${ACTION_SERVER_TOKEN} from its own environment when it reads the endpoints file.
ACTION_ENDPOINT_AUTHORIZATION = "Bearer ${ACTION_SERVER_TOKEN}"


def with_action_server_token(endpoints: Dict[str, Any]) -> Dict[str, Any]:
    """The endpoints (as read from endpoints.yml) with Rasa sending the action server token on every action call.

    endpoints.yml itself has no such header, so that the bare `rasa run` works without the variable set; the
    copies `make run` and the tests start Rasa with get it here, and set ACTION_SERVER_TOKEN for both servers.
    """
    action = dict(endpoints["action_endpoint"])
    action["headers"] = {**(action.get("headers") or {}), "Authorization": ACTION_ENDPOINT_AUTHORIZATION}
    return {**endpoints, "action_endpoint": action}
