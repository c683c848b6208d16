"""The overview figures in the shape the charts draw: one list of days, one list of values per series.

`staff_review.overview` may give the days as a list of per-day records (`per_day`); the charts want columns.
Converting here keeps the page's script simple and lets the figures grow fields without breaking the page.
"""

from __future__ import annotations

from typing import Any, Dict, List

from staff_review.conversations import OUTCOMES


def chart_data(figures: Dict[str, Any]) -> Dict[str, Any]:
    """`{"days", "conversations_per_day", "per_topic", "per_language", "rates": {outcome: [...]}, "totals"?}`."""
    if "days" in figures:  # already in columns
        return figures
    per_day: List[Dict[str, Any]] = list(figures.get("per_day") or [])
    outcomes = [o for o in OUTCOMES if any(o in (day.get("rates") or {}) for day in per_day)] or list(OUTCOMES)
    data: Dict[str, Any] = {
        "days": [str(day["date"]) for day in per_day],
        "conversations_per_day": [int(day.get("conversations") or 0) for day in per_day],
        "per_topic": dict(figures.get("per_topic") or {}),
        "per_language": dict(figures.get("per_language") or {}),
        "rates": {o: [float((day.get("rates") or {}).get(o) or 0.0) for day in per_day] for o in outcomes},
    }
    if "totals" in figures:
        data["totals"] = figures["totals"]
    return data
