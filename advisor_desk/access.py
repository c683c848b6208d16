"""Who may see or act on which case. Pure functions, so the rules read (and test) in one place."""

from __future__ import annotations

from typing import Any, Dict

from cases.models import CLAIMABLE_STATUSES

Advisor = Dict[str, Any]
CaseDict = Dict[str, Any]


def is_admin(advisor: Advisor) -> bool:
    """Whether the advisor has the admin role (may manage any case and read the audit log)."""
    return advisor["role"] == "admin"


def is_staff(advisor: Advisor) -> bool:
    """Whether the advisor may review conversations and retrain the assistant (staff, and admins)."""
    return advisor["role"] in ("staff", "admin")


def is_assignee(advisor: Advisor, case: CaseDict) -> bool:
    """Holds the case right now: only this advisor speaks to the entrepreneur."""
    return case["status"] == "claimed" and case["advisor_id"] == advisor["id"]


def can_view(advisor: Advisor, case: CaseDict) -> bool:
    """Queue cases are open to every advisor (to decide whether to claim); held ones to their holder."""
    return is_admin(advisor) or case["status"] in CLAIMABLE_STATUSES or is_assignee(advisor, case)


def can_manage(advisor: Advisor, case: CaseDict) -> bool:
    """Notes, transfer and resolve: the holder, or an admin stepping in."""
    return is_admin(advisor) or is_assignee(advisor, case)


def may_know(advisor: Advisor, case: CaseDict) -> bool:
    """Whether the desk may admit the case exists: its viewers, and the advisor who last held it (resolved).

    Everyone else gets the very 404 a missing case gets, so case ids cannot be probed.
    """
    return can_view(advisor, case) or case["advisor_id"] == advisor["id"]
