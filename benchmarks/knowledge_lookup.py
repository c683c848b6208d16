"""How long the action server's retrieval takes per question, measured in this process."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Dict

import yaml

from .processes import ROOT

QUESTIONS = ROOT / "tests" / "retrieval_cases.yml"


def lookup_latency(workdir: Path, repeat: int = 3) -> Dict[str, Any]:
    """Median and p95 of KnowledgeBase.find over the retrieval test questions (a throw-away SQLite store)."""
    from sqlalchemy import create_engine

    from actions.knowledge.base import build_knowledge_base

    kb = build_knowledge_base(engine=create_engine(f"sqlite:///{workdir / 'bench_knowledge.db'}"))
    cases = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["cases"]
    timings = []
    for _ in range(repeat):
        for case in cases:
            started = time.perf_counter()
            kb.find(case["q"], case.get("topic"), [])
            timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {"questions": len(cases), "p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2)}
