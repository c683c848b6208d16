"""Deterministic hostile inputs for the fuzz tests: odd text, odd JSON, odd ids, odd paths.

Everything comes from one `random.Random(seed)`, so a failure is reproduced by running the test again.
Raw bodies (`bytes`) are sent as they are, with a JSON content type: duplicate keys, NaN, deep nesting,
lone surrogates written as JSON escapes, invalid UTF-8, and text that is not JSON at all.
"""

from __future__ import annotations

import json
import random
from typing import Any, Callable, List, Union

SEED = 20261128
MEGABYTE = 1024 * 1024
Body = Union[bytes, Any]  # bytes: sent raw; anything else: sent as JSON

INJECTIONS = [
    "'; DROP TABLE events; --",
    "1' OR '1'='1",
    '" OR 1=1 --',
    "admin'--",
    "{{7*7}}",
    "${7*7}",
    "{% raw %}{{ config }}{% endraw %}",
    "#{7*7}",
    "%s%s%s%n",
    "{0.__class__}",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "/restart",
    "/ask_human",
    '/inform{"case_id": "1"}',
    '/greet{"language": "xx"}',
    "/session_start",
    "$(reboot)",
    "`id`",
    "\r\nSet-Cookie: a=b",
    "__proto__",
    "null",
]
SPECIAL_CHARACTERS = [
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u0000",
    "\u0007",
    "\u001b[31m",
    "\u007f",
    "\u0085",
    "\u2028",
    "\ufffd",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family: joined emoji
    "\U0001f1e7\U0001f1ea",  # flag
    "e\u0301\u0301\u0301",  # stacked combining marks
]
SCRIPTS = [
    (0x0041, 0x007A),  # Latin
    (0x00C0, 0x024F),  # Latin extended
    (0x0590, 0x05FF),  # Hebrew (RTL)
    (0x0600, 0x06FF),  # Arabic (RTL)
    (0x0400, 0x04FF),  # Cyrillic
    (0x4E00, 0x4FFF),  # CJK
    (0x1F300, 0x1F64F),  # emoji
    (0x0000, 0x001F),  # control characters
    (0xE000, 0xE0FF),  # private use
]
ODD_IDS = [
    "",
    " ",
    "a" * 129,
    "a" * 5000,
    "../victim",
    "x/../victim",
    "x%2F..%2Fvictim",
    "..",
    ".",
    "web-" + "a" * 32,
    "test\u0000id",
    "\u202eevil",
    "id with spaces",
    "id\nnewline",
    "ünïcödé",
    "\U0001f600",
    "'; DROP TABLE events; --",
    "<script>",
    "%00",
    "default",
    "null",
    "0",
    "-",
    "_",
]


class Inputs:
    """One source of hostile inputs; the same seed gives the same sequence."""

    def __init__(self, seed: int = SEED) -> None:
        self.random = random.Random(seed)

    def choice(self, options: List[Any]) -> Any:
        return self.random.choice(options)

    def text(self) -> str:
        """A string of one of many shapes (short, long, mixed scripts, injections, specials, empty)."""
        shape = self.random.randrange(8)
        if shape == 0:
            return ""
        if shape == 1:
            return self.choice(INJECTIONS)
        if shape == 2:
            return "".join(self.choice(SPECIAL_CHARACTERS) for _ in range(self.random.randint(1, 20)))
        if shape == 3:
            return self.unicode(self.random.randint(1, 80))
        if shape == 4:
            return self.choice(["hello ", "hoe start ik ", "subsidies "]) + self.unicode(10) + self.choice(INJECTIONS)
        if shape == 5:
            return " \t\n" * self.random.randint(1, 50)
        if shape == 6:
            return self.unicode(self.random.randint(1000, 5000))
        return self.choice(ODD_IDS)

    def unicode(self, length: int) -> str:
        """Random code points from several scripts (incl. RTL, emoji, control characters, private use)."""
        characters = []
        for _ in range(length):
            low, high = self.choice(SCRIPTS)
            characters.append(chr(self.random.randint(low, high)))
        return "".join(characters)

    def conversation_id(self) -> str:
        return self.choice(ODD_IDS) if self.random.random() < 0.7 else self.unicode(self.random.randint(1, 40))

    def value(self, depth: int = 0) -> Any:
        """A JSON value of any type, sometimes nested."""
        kind = self.random.randrange(9 if depth < 3 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return self.random.choice([True, False])
        if kind == 2:
            return self.random.choice([0, -1, 2**63, -(2**70), 1e308, -0.0, 3.14])
        if kind in (3, 4, 5):
            return self.text()
        if kind == 6:
            return [self.value(depth + 1) for _ in range(self.random.randint(0, 4))]
        return {self.text()[:30]: self.value(depth + 1) for _ in range(self.random.randint(0, 4))}

    def raw_body(self) -> bytes:
        """A body that JSON libraries choke on, or that is not what a JSON endpoint expects."""
        return self.choice(
            [
                b"",
                b"{",
                b"[]",
                b"null",
                b"not json at all",
                b'{"sender": "a", "sender": "b", "message": "hi", "message": 1}',
                b'{"message": NaN, "sender": Infinity}',
                b'{"sender": "x", "message": "\\ud800\\udc00\\ud800"}',
                b'{"sender": "x", "message": "\\udfff"}',
                b"\xff\xfe\x00{}",
                b'{"sender": "x", "message": "caf\xe9"}',
                b"[" * 1000 + b"]" * 1000,
                b'{"a":' * 1000 + b"1" + b"}" * 1000,
                b'{"sender": "fuzz", "message": "' + b"A" * MEGABYTE + b'"}',
                b"\x00" * 64,
                b"<?xml version='1.0'?><a/>",
                b"sender=x&message=y",
                json.dumps({"sender": "x", "message": "y"}).encode("utf-16"),
            ]
        )

    def body(self, good: Callable[[], Any]) -> Body:
        """Mostly a plausible body from `good()` with odd values, sometimes a raw or wrongly typed one."""
        roll = self.random.random()
        if roll < 0.25:
            return self.raw_body()
        if roll < 0.35:
            return self.value()
        return good()
