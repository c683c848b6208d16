"""Conversation ids and the tokens that prove who owns a web conversation.

A conversation id ends up in Rasa URLs (`/conversations/<id>/tracker`), in database rows and in socket.io
rooms, so it is checked wherever it enters: only letters, digits, '-' and '_' (no '/', '.', '%' or spaces,
so `x/../victim` can never be turned into `victim`). Web conversations get an id the server draws
(`web-` + 32 random characters) and a token, an HMAC of the id under the server's secret: whoever holds the
token started the conversation, and nobody can compute one for an id they merely know or guess.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from typing import Optional

from service_secrets.files import read_or_create

from .database import data_dir

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")
ID_RULE = "Conversation ids are 1–128 letters, digits, '-' or '_'."
WEB_PREFIX = "web-"
SECRET_ENV = "CHAT_SECRET"
SECRET_FILE = "chat_secret"


def is_valid_id(value: object) -> bool:
    """Whether `value` may name a conversation (a string matching `ID_PATTERN` in full)."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def problem_with_id(value: object) -> Optional[str]:
    """A sentence saying why `value` is no conversation id, or None when it is one."""
    return None if is_valid_id(value) else ID_RULE


def is_web_id(conversation_id: str) -> bool:
    """Whether the id names a web conversation (one that belongs to a browser holding its token)."""
    return conversation_id.startswith(WEB_PREFIX)


def new_web_id() -> str:
    """A fresh, unguessable id for a web conversation (192 random bits)."""
    return WEB_PREFIX + secrets.token_urlsafe(24)


def sign(conversation_id: str, secret: bytes) -> str:
    """The ownership token of a conversation: base64url HMAC-SHA256 of the id, without padding."""
    digest = hmac.new(secret, conversation_id.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify(conversation_id: str, token: object, secret: bytes) -> bool:
    """Whether `token` is the ownership token of `conversation_id` (compared in constant time)."""
    if not isinstance(token, str) or not is_valid_id(conversation_id):
        return False
    return hmac.compare_digest(sign(conversation_id, secret).encode("ascii"), token.encode("utf-8", "replace"))


def chat_secret() -> bytes:
    """The key tokens are signed with: `CHAT_SECRET`, else the file `$VAR_DIR/chat_secret` (made when missing).

    Every Rasa process that serves the chat must use the same key, or tokens issued by one are refused by
    another; set CHAT_SECRET for several machines. The file is created private (0600) and atomically, so two
    processes starting at once end up with the same key (`service_secrets.files`).
    """
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode("utf-8")
    return read_or_create(data_dir() / SECRET_FILE, lambda: secrets.token_bytes(32), SECRET_ENV)
