"""Secret files created private (0600) and atomically: never readable by others, never half-written.

Every generated secret of the project (the chat secret, the Rasa token, the action server token) goes through
`read_or_create`, so processes that start at the same moment end up with the same value.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Callable


class SecretFileError(RuntimeError):
    """A secret file exists but cannot be used (empty); the message says what to do."""


def read_or_create(path: Path, make: Callable[[], bytes], setting: str = "the secret") -> bytes:
    """The secret in `path`; when the file is missing, `make()` is written there first.

    The new secret goes into a draft created with O_CREAT|O_EXCL and mode 0600 (so it is private from its
    first byte), then is hard-linked into place: the link either creates `path` or finds the file another
    process linked first, and nobody ever reads a partial secret. The draft is removed either way.

    Args:
        path: Where the secret lives (its folder is created when missing).
        make: Draws a fresh secret.
        setting: What else provides the secret (an environment variable), named in the error.

    Returns:
        The secret's bytes, as stored.

    Raises:
        SecretFileError: The file exists but is empty.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(make())
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
    secret = path.read_bytes()
    if not secret.strip():
        raise SecretFileError(f"{path} is empty: delete it (a new secret is made) or set {setting}.")
    return secret
