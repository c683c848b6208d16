"""Runs fuzz calls against real servers and collects every answer that breaks the rules.

A call is prepared first (so the inputs depend on the seed only) and run later, several at once. The rules:
no 5xx, no stack trace or exception text in any body; `Problem`s are collected, not raised, so one run shows
everything that is wrong.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import requests

from tests.faults.support import TRACE_MARKERS
from tests.fuzz.inputs import Body

WORKERS = 4
TIMEOUT = 60


@dataclass
class Call:
    service: str
    method: str
    url: str
    body: Optional[Body] = None
    has_body: bool = False
    headers: Dict[str, str] = field(default_factory=dict)
    params: Optional[Dict[str, str]] = None


@dataclass
class Problem:
    call: Call
    status: int
    excerpt: str

    def __str__(self) -> str:
        body = repr(self.call.body)[:120] if self.call.has_body else ""
        return f"{self.call.service}: {self.call.method} {self.call.url[:150]} {body} -> {self.status}: {self.excerpt}"


def problem_with(status: int, text: str) -> Optional[str]:
    """Why an answer breaks the rules, or None."""
    if status >= 500:
        return text[:300]
    for marker in TRACE_MARKERS:
        if marker in text:
            return f"{marker!r} in body: {text[:300]}"
    return None


class Fuzzer:
    def __init__(self) -> None:
        self.calls: List[Call] = []
        self.problems: List[Problem] = []
        self.statuses: Dict[str, Dict[int, int]] = {}

    def add(self, service: str, method: str, url: str, body: Any = None, *, has_body: bool = False, **kw: Any) -> None:
        self.calls.append(Call(service, method, url, body, has_body or body is not None, **kw))

    def run(self) -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            for call, (status, text) in zip(self.calls, pool.map(self._send, self.calls), strict=True):
                self.statuses.setdefault(call.service, {}).setdefault(status, 0)
                self.statuses[call.service][status] += 1
                problem = problem_with(status, text)
                if problem:
                    self.problems.append(Problem(call, status, problem))

    def count(self, service: Optional[str] = None) -> int:
        return sum(1 for c in self.calls if service is None or c.service == service)

    @staticmethod
    def _send(call: Call) -> Tuple[int, str]:
        headers = dict(call.headers)
        data: Optional[bytes] = None
        if call.has_body:
            headers.setdefault("Content-Type", "application/json")
            data = call.body if isinstance(call.body, bytes) else json.dumps(call.body).encode("utf-8")
        try:
            response = requests.request(
                call.method, call.url, data=data, headers=headers, params=call.params, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            return 599, f"no answer: {type(exc).__name__}: {exc}"
        return response.status_code, response.text
