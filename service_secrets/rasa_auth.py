"""How a client proves itself to Rasa's HTTP API without the token in a URL: a short-lived JWT in a header.

The Rasa server is started with the token as its JWT secret (`assistant_components.serve_rasa`) and no
query-string token, so `?token=` opens nothing. Rasa (rasa/server.py `requires_auth`) accepts a JWT signed
HS256 with that secret whose payload names a user with the role `admin`; each client signs a fresh one that
expires after a few minutes, so a token copied from a log or a proxy is soon worthless.
"""

from __future__ import annotations

import time
from typing import Dict

import jwt

ALGORITHM = "HS256"
LIFETIME_SECONDS = 300


def admin_jwt(secret: str, client: str, lifetime: int = LIFETIME_SECONDS) -> str:
    """A JWT Rasa's HTTP API takes as an admin's, valid for `lifetime` seconds.

    Args:
        secret: The Rasa token (the server's JWT secret).
        client: Who calls (e.g. `advisor_desk`), kept as the JWT's user name for the server's logs.
        lifetime: Seconds until it expires.

    Returns:
        The encoded JWT.
    """
    now = int(time.time())
    payload = {"user": {"username": client, "role": "admin"}, "exp": now + lifetime}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def auth_headers(secret: str, client: str) -> Dict[str, str]:
    """The `Authorization: Bearer <jwt>` header for one request to Rasa's HTTP API."""
    return {"Authorization": f"Bearer {admin_jwt(secret, client)}"}
