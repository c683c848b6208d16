"""End-to-end scoring of the assistant on an evaluation file, with the figures the understanding issue asks for.

Starts the real action server and Rasa server (tests/servers.py), sends each case as the first message of a
fresh conversation over the REST channel, and scores it the way ../shared/eval/run_eval.py does (an answer
case is right when the reply contains one of `expect_any`; a handoff case when the conversation reaches a
handoff within a few turns; a fallback case when the message is classed nlu_fallback/out_of_scope). On top
of that it records what a user would notice and the shared runner does not report:

- confident-but-wrong: an answer case answered wrongly *without* the "closest information" or overview
  caveat (the worst outcome for a government agency);
- over-escalation: a case that is not confidential but is classed `confidential` or offered the advisor
  handoff on its first message;
- out-of-scope rejection and in-domain retention rates (retention by the reply: an in-domain question answered
  from an entry is kept even when its intent was a fallback; by the intent alone as well).

Usage: .venv/bin/python scripts/evaluate.py tests/blind/blind_cases.yaml [--out reports/blind.json]
The cases file is never used for training (tests/test_training_data.py checks the overlap).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import Stack  # noqa: E402

# the opening words of the hedged answer responses (domain.yml utter_answer_closest / _not_specific)
HEDGES = (
    "i'm not sure this fully answers",
    "ik weet niet zeker of dit",
    "i don't have a reliable answer",
    "op die precieze vraag heb ik geen zeker antwoord",
)
OUT_OF_SCOPE = ("nlu_fallback", "out_of_scope")
HANDOFF_TURNS = 7


def reply_text(replies: List[dict]) -> str:
    """Texts, button titles and payloads: what the shared runner searches for the expected strings."""
    parts: List[str] = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        for button in reply.get("buttons") or []:
            parts += [str(button.get("title", "")), str(button.get("payload", ""))]
        if reply.get("custom"):
            parts.append(json.dumps(reply["custom"], ensure_ascii=False))
    return "\n".join(p for p in parts if p)


def cooperative_answer(replies: List[dict], language: str) -> str:
    """What a user who wants an advisor types when the bot asks for consent or contact details."""
    for reply in replies:
        for button in reply.get("buttons") or []:
            label = f"{button.get('title', '')} {button.get('payload', '')}".lower()
            if any(w in label for w in ("yes", "ja", "affirm", "advisor", "adviseur")):
                return button.get("payload") or button.get("title")
    low = reply_text(replies).lower()
    if "mail" in low:
        return "jan.peeters@example.com"
    if any(w in low for w in ("phone", "telefoon", "gsm", "number", "nummer")):
        return "+32 470 12 34 56"
    if any(w in low for w in ("name", "naam")):
        return "Jan Peeters"
    if any(w in low for w in ("language", "taal")):
        return "Nederlands" if language == "nl" else "English"
    if any(w in low for w in ("summar", "describe", "omschrijf", "samenvat", "kort")):
        return "betalingsproblemen met leveranciers" if language == "nl" else "payment problems with suppliers"
    return "ja" if language == "nl" else "yes"


def handed_off(tracker: Dict[str, Any]) -> bool:
    """A pause event (an advisor holds the conversation) or a case id: the handoff happened."""
    return any(e.get("event") == "pause" for e in tracker.get("events", [])) or bool(
        (tracker.get("slots") or {}).get("case_id")
    )


def first_user_parse(tracker: Dict[str, Any]) -> Dict[str, Any]:
    """The parse data of the conversation's first user message."""
    for event in tracker.get("events", []):
        if event.get("event") == "user":
            return event.get("parse_data") or {}
    return {}


def run_case(stack: Stack, case: Dict[str, Any]) -> Dict[str, Any]:
    """One case in a fresh conversation: the outcome and what the user saw."""
    sender = "eval-" + uuid.uuid4().hex[:16]
    replies = stack.say(sender, case["text"])
    first = reply_text(replies)
    tracker = stack.tracker(sender)
    parse = first_user_parse(tracker)
    intent = (parse.get("intent") or {}).get("name") or ""
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    low = first.lower()
    hedged = any(h in low for h in HEDGES)
    offered_handoff = "handoff_form" in [
        e.get("name") for e in tracker.get("events", []) if e.get("event") == "active_loop"
    ]
    expect = case.get("expect", "answer")
    detail = first
    if expect == "handoff":
        ok = handed_off(tracker)
        for _ in range(HANDOFF_TURNS):
            if ok:
                break
            said = cooperative_answer(replies, case.get("lang", "en"))
            replies = stack.say(sender, said)
            detail += f"\n>> {said}\n" + reply_text(replies)
            ok = handed_off(stack.tracker(sender))
    elif expect == "fallback":
        ok = intent.startswith(OUT_OF_SCOPE) and bool(first)
    else:
        ok = any(str(t).lower() in low for t in case.get("expect_any") or [])
    return {
        "id": case["id"],
        "topic": case.get("topic"),
        "lang": case.get("lang", "en"),
        "expect": expect,
        "ok": bool(ok),
        "intent": intent,
        "confidence": round(confidence, 3),
        "hedged": hedged,
        "answered": "source:" in low or "bron:" in low,
        "offered_handoff": offered_handoff,
        "text": case["text"],
        "got": detail[:800],
    }


def rate(part: int, whole: int) -> float:
    """part/whole rounded, 0 for nothing."""
    return round(part / whole, 3) if whole else 0.0


def summarise(results: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The figures of the understanding issue, from the per-case results."""
    answers = [r for r in results if r["expect"] == "answer"]
    handoffs = [r for r in results if r["expect"] == "handoff"]
    fallbacks = [r for r in results if r["expect"] == "fallback"]
    others = [r for r in results if r["expect"] != "handoff"]
    confident_wrong = [r for r in answers if not r["ok"] and r["answered"] and not r["hedged"]]
    escalated = [r for r in others if r["intent"] in ("confidential", "ask_human") or r["offered_handoff"]]
    # kept: not turned away. A question classed nlu_fallback whose reply still answers it from an entry (the
    # fallback action answers a specific question) was kept; the intent alone is shown as in_domain_intent_kept.
    kept = [r for r in answers if not r["intent"].startswith(OUT_OF_SCOPE) or r["answered"]]
    intent_kept = [r for r in answers if not r["intent"].startswith(OUT_OF_SCOPE)]
    by_group: Dict[str, List[int]] = {}
    for r in results:
        for key in (f"topic:{r['topic']}", f"lang:{r['lang']}", f"expect:{r['expect']}"):
            good, total = by_group.get(key, [0, 0])
            by_group[key] = [good + r["ok"], total + 1]
    return {
        "cases": len(results),
        "overall_correct": rate(sum(r["ok"] for r in results), len(results)),
        "answer_correct": rate(sum(r["ok"] for r in answers), len(answers)),
        "answer_confident_wrong": rate(len(confident_wrong), len(answers)),
        "answer_hedged": rate(sum(r["hedged"] for r in answers), len(answers)),
        "handoff_reached": rate(sum(r["ok"] for r in handoffs), len(handoffs)),
        "others_escalated": rate(len(escalated), len(others)),
        "out_of_scope_rejected": rate(sum(r["ok"] for r in fallbacks), len(fallbacks)),
        # classed out of scope but answered from an entry anyway (a sure match, or an entry saying where to go):
        # the shared runner counts these as rejected; shown so that answering them stays visible
        "out_of_scope_answered": rate(sum(r["ok"] and r["answered"] for r in fallbacks), len(fallbacks)),
        "in_domain_kept": rate(len(kept), len(answers)),
        "in_domain_intent_kept": rate(len(intent_kept), len(answers)),
        "groups": {k: {"passed": g, "cases": n, "rate": rate(g, n)} for k, (g, n) in sorted(by_group.items())},
        "intents_of_answer_cases": dict(Counter(r["intent"] for r in answers).most_common()),
    }


def evaluate(cases_file: Path, model: Optional[Path] = None) -> Dict[str, Any]:
    """Start the servers, run every case, stop the servers; the summary and the per-case results.

    `model`: one model file to score (the staff retrain compares the active model and a candidate); by
    default the newest model in models/.
    """
    cases = yaml.safe_load(cases_file.read_text(encoding="utf-8"))["cases"]
    with tempfile.TemporaryDirectory(prefix="evaluate-") as workdir:
        stack = Stack(Path(workdir), model=model)
        try:
            stack.start()
            results = [run_case(stack, case) for case in cases]
        finally:
            stack.stop()
    return {"file": str(cases_file), "summary": summarise(results), "results": results}


def main() -> None:
    """Command line: evaluate a cases file, print the summary, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--out", type=Path, help="write the summary and every case's result as JSON")
    parser.add_argument("--model", type=Path, help="the model file to score (default: the newest in models/)")
    args = parser.parse_args()
    report = evaluate(args.cases, args.model)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    summary = dict(report["summary"])
    groups = summary.pop("groups")
    intents = summary.pop("intents_of_answer_cases")
    print(json.dumps(summary, indent=1))
    for key, value in groups.items():
        print(f"  {key:24} {value['passed']:4}/{value['cases']:<4} {value['rate']:.3f}")
    print("  intents of answer cases:", intents)


if __name__ == "__main__":
    main()
