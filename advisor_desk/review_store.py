"""Review decisions and retrain runs in SQL (no web imports): what staff decided and what was retrained.

A decision is pending until a retrain run that took it succeeds; then it is merged. While a run is going,
its decisions are frozen (the review file has been written), so they can be neither changed nor withdrawn.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.models import Advisor, utcnow

from .models import RetrainRun, ReviewDecision

RUN_STATUSES = ("running", "succeeded", "failed", "interrupted")


class Conflict(Exception):
    """The request collides with what is happening (a running retrain); the message says what."""


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() + "Z" if value is not None else None


def decision_dict(decision: ReviewDecision, reviewer: Optional[str] = None) -> Dict[str, Any]:
    """Public view of a decision, with the reviewer's username when known."""
    return {
        "id": decision.id,
        "key": decision.item_key,
        "text": decision.text,
        "language": decision.language,
        "predicted_intent": decision.predicted_intent,
        "confidence": decision.confidence,
        "count": decision.count,
        "outcomes": decision.outcomes.split() if decision.outcomes else [],
        "correct_intent": decision.correct_intent,
        "knowledge_entry": decision.knowledge_entry,
        "note": decision.note,
        "reviewer": reviewer,
        "decided_at": _iso(decision.decided_at),
        "run_id": decision.run_id,
        "merged_at": _iso(decision.merged_at),
    }


def run_dict(run: RetrainRun) -> Dict[str, Any]:
    """Public view of a retrain run."""
    return {
        "id": run.id,
        "status": run.status,
        "started_by": run.started_by,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "exit_code": run.exit_code,
        "decision_count": run.decision_count,
        "review_file": run.review_file,
        "log_file": run.log_file,
    }


def _running_run_id(session: Session) -> Optional[int]:
    return session.scalar(select(RetrainRun.id).where(RetrainRun.status == "running"))


def _pending(session: Session, item_key: str) -> Optional[ReviewDecision]:
    query = select(ReviewDecision).where(ReviewDecision.item_key == item_key, ReviewDecision.merged_at.is_(None))
    return session.scalar(query)


def save_decision(engine: Engine, reviewer_id: int, fields: Dict[str, Any]) -> Dict[str, Any]:
    """Record (or replace) the pending decision on one inbox item; raises Conflict while a run holds it.

    Args:
        engine: The desk's database.
        reviewer_id: The staff member deciding.
        fields: key, text (redacted), language, predicted_intent, confidence, count, outcomes (list),
            correct_intent, knowledge_entry, note.

    Returns:
        The stored decision.
    """
    values = {
        "item_key": fields["key"],
        "text": fields["text"],
        "language": fields["language"],
        "predicted_intent": fields.get("predicted_intent"),
        "confidence": fields.get("confidence"),
        "count": fields.get("count") or 1,
        "outcomes": " ".join(fields.get("outcomes") or []),
        "correct_intent": fields["correct_intent"],
        "knowledge_entry": fields.get("knowledge_entry"),
        "note": fields.get("note") or "",
        "reviewer_id": reviewer_id,
        "decided_at": utcnow(),
    }
    for attempt in range(2):  # a concurrent first save of the same item wins once; the retry replaces it
        try:
            with Session(engine) as session, session.begin():
                decision = _pending(session, values["item_key"])
                if decision is not None and decision.run_id is not None and decision.run_id == _running_run_id(session):
                    raise Conflict("This item is in the retrain that is running; decide again when it has finished.")
                if decision is None:
                    decision = ReviewDecision(**values)
                    session.add(decision)
                else:
                    for name, value in values.items():
                        setattr(decision, name, value)
                    decision.run_id = None
                session.flush()
                reviewer = session.get(Advisor, reviewer_id)
                return decision_dict(decision, reviewer.username if reviewer else None)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def list_decisions(engine: Engine, state: str = "pending", limit: int = 500) -> List[Dict[str, Any]]:
    """Decisions newest first: `pending` (not merged yet), `merged`, or `all`."""
    query = select(ReviewDecision, Advisor.username).join(Advisor, Advisor.id == ReviewDecision.reviewer_id)
    if state == "pending":
        query = query.where(ReviewDecision.merged_at.is_(None))
    elif state == "merged":
        query = query.where(ReviewDecision.merged_at.is_not(None))
    query = query.order_by(ReviewDecision.decided_at.desc(), ReviewDecision.id.desc()).limit(limit)
    with Session(engine) as session:
        return [decision_dict(decision, username) for decision, username in session.execute(query)]


def pending_for_keys(engine: Engine, keys: Sequence[str]) -> Dict[str, Dict[str, Any]]:
    """The pending decision per item key, for showing which inbox items are already decided."""
    if not keys:
        return {}
    query = select(ReviewDecision).where(ReviewDecision.item_key.in_(list(keys)), ReviewDecision.merged_at.is_(None))
    with Session(engine) as session:
        return {d.item_key: decision_dict(d) for d in session.scalars(query)}


def withdraw_decision(engine: Engine, decision_id: int) -> bool:
    """Delete a pending decision (a reviewer's undo); False when unknown or merged; Conflict while running."""
    with Session(engine) as session, session.begin():
        decision = session.get(ReviewDecision, decision_id)
        if decision is None or decision.merged_at is not None:
            return False
        if decision.run_id is not None and decision.run_id == _running_run_id(session):
            raise Conflict("This decision is in the retrain that is running.")
        session.delete(decision)
        return True


def start_run(engine: Engine, advisor_id: int, review_file: str, log_file: str) -> Dict[str, Any]:
    """Open a run and give it every pending decision; Conflict when one is running or nothing is pending.

    Returns:
        The run, with `decisions`: the decisions it took (for writing the review file).
    """
    try:
        with Session(engine) as session, session.begin():
            if _running_run_id(session) is not None:
                raise Conflict("A retrain is already running; wait for it to finish.")
            decisions = list(
                session.scalars(
                    select(ReviewDecision)
                    .where(ReviewDecision.merged_at.is_(None))
                    .order_by(ReviewDecision.decided_at, ReviewDecision.id)
                )
            )
            if not decisions:
                raise Conflict("There are no saved decisions to retrain with.")
            run = RetrainRun(
                started_by=advisor_id,
                review_file=review_file,
                log_file=log_file,
                decision_count=len(decisions),
                status="running",
            )
            session.add(run)
            session.flush()
            for decision in decisions:
                decision.run_id = run.id
            session.flush()
            return {**run_dict(run), "decisions": [decision_dict(d) for d in decisions]}
    except IntegrityError as exc:  # another start won the race for the one running slot
        raise Conflict("A retrain is already running; wait for it to finish.") from exc


def set_pid(engine: Engine, run_id: int, pid: int) -> None:
    """Remember the process of a run (shown in the status, useful in the log)."""
    with Session(engine) as session, session.begin():
        session.execute(update(RetrainRun).where(RetrainRun.id == run_id).values(pid=pid))


def finish_run(engine: Engine, run_id: int, exit_code: Optional[int], status: Optional[str] = None) -> None:
    """Close a run; on success (exit code 0) its decisions become merged, otherwise they stay pending."""
    final = status or ("succeeded" if exit_code == 0 else "failed")
    if final not in RUN_STATUSES:
        raise ValueError(f"unknown run status {final!r}")
    now = utcnow()
    with Session(engine) as session, session.begin():
        session.execute(
            update(RetrainRun)
            .where(RetrainRun.id == run_id, RetrainRun.status == "running")
            .values(status=final, exit_code=exit_code, finished_at=now)
        )
        if final == "succeeded":
            session.execute(
                update(ReviewDecision)
                .where(ReviewDecision.run_id == run_id, ReviewDecision.merged_at.is_(None))
                .values(merged_at=now)
            )


def interrupt_running(engine: Engine) -> int:
    """Mark runs left `running` by a desk that stopped as interrupted (their decisions stay pending)."""
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(RetrainRun)
            .where(RetrainRun.status == "running")
            .values(status="interrupted", finished_at=utcnow())
        )
        return int(result.rowcount or 0)


def latest_runs(engine: Engine, limit: int = 10) -> List[Dict[str, Any]]:
    """The most recent runs, newest first."""
    with Session(engine) as session:
        runs = session.scalars(select(RetrainRun).order_by(RetrainRun.id.desc()).limit(limit))
        return [run_dict(run) for run in runs]


def counts(engine: Engine) -> Dict[str, int]:
    """How many decisions are pending and merged (for the page's summary)."""
    merged = ReviewDecision.merged_at.is_not(None)
    with Session(engine) as session:
        rows = session.execute(select(merged, func.count()).group_by(merged)).all()
    found = {bool(is_merged): int(number) for is_merged, number in rows}
    return {"pending": found.get(False, 0), "merged": found.get(True, 0)}
