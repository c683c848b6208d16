"""Office hours in the agency's time zone: is an advisor available now, and if not, from when."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

DEFAULT_FILE = Path(__file__).with_name("office_hours.yml")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}
MONTH_NAMES = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
}


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours per weekday plus closed dates."""

    timezone: ZoneInfo
    hours: Dict[int, Tuple[dt.time, dt.time]]
    closed_dates: List[dt.date]

    @classmethod
    def load(cls, path: Optional[Path] = None) -> "OfficeHours":
        """From `path`, else OFFICE_HOURS_FILE, else `cases/office_hours.yml`."""
        path = Path(path or os.environ.get("OFFICE_HOURS_FILE") or DEFAULT_FILE)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        hours = {DAYS.index(day): (_time(span[0]), _time(span[1])) for day, span in (data.get("hours") or {}).items()}
        closed = [d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in data.get("closed_dates") or []]
        return cls(ZoneInfo(data.get("timezone", "Europe/Brussels")), hours, closed)

    def is_open(self, now: dt.datetime) -> bool:
        """Whether advisors are available at `now` (an aware datetime)."""
        local = now.astimezone(self.timezone)
        span = self.hours.get(local.weekday())
        if span is None or local.date() in self.closed_dates:
            return False
        return span[0] <= local.time() < span[1]

    def next_opening(self, now: dt.datetime) -> Optional[dt.datetime]:
        """The next moment advisors are available (within two weeks), or None if never."""
        local = now.astimezone(self.timezone)
        for offset in range(15):
            day = local.date() + dt.timedelta(days=offset)
            span = self.hours.get(day.weekday())
            if span is None or day in self.closed_dates:
                continue
            opening = dt.datetime.combine(day, span[0], tzinfo=self.timezone)
            closing = dt.datetime.combine(day, span[1], tzinfo=self.timezone)
            if local < opening:
                return opening
            if local < closing:
                return local
        return None


def _time(value: str) -> dt.time:
    """'09:00' -> 09:00; '24:00' means the end of the day."""
    return dt.time.max if value == "24:00" else dt.time.fromisoformat(value)


def describe(moment: dt.datetime, language: str) -> str:
    """The moment as a chat message shows it: 'Monday 30 November, 09:00' / 'maandag 30 november, 09:00'.

    Args:
        moment: An aware datetime in the office's time zone.
        language: "en" or "nl"; any other language gets English names.

    Returns:
        Weekday, day, month and time; the sentence around it is a domain response (`utter_case_callback`).
    """
    names = WEEKDAY_NAMES.get(language, WEEKDAY_NAMES["en"])
    months = MONTH_NAMES.get(language, MONTH_NAMES["en"])
    return f"{names[moment.weekday()]} {moment.day} {months[moment.month - 1]}, {moment:%H:%M}"
