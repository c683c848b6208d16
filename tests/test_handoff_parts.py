"""The pieces of a handoff that need no server: contact details and office hours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import pytest

from actions.handoff.contact import clean_contact, clean_name
from cases.office_hours import OfficeHours, describe

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Anna@Example.ORG", "anna@example.org"),
        ("mail me: <anna.peeters@vlaio.be>, thanks", "anna.peeters@vlaio.be"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0470/12.34.56", "0470123456"),
        ("call 09 123 45 67 after five", "091234567"),
        ("12345", None),  # too few digits
        ("+32 470 12 34 56 78 90 12 34", None),  # too many digits
        ("anna at example dot org", None),
        ("anna@example", None),
        ("", None),
    ],
)
def test_clean_contact(text: str, expected: Optional[str]) -> None:
    assert clean_contact(text) == expected


@pytest.mark.parametrize(
    "text, expected", [("  Anna   Peeters ", "Anna Peeters"), ("", None), ("/deny", None), ("x" * 81, None)]
)
def test_clean_name(text: str, expected: Optional[str]) -> None:
    assert clean_name(text) == expected


@pytest.fixture
def hours(tmp_path: Path) -> OfficeHours:
    """Weekdays 09:00-17:00 in Brussels, closed on Christmas 2026 (a Friday)."""
    path = tmp_path / "hours.yml"
    path.write_text(
        "timezone: Europe/Brussels\n"
        "hours: {mon: ['09:00', '17:00'], tue: ['09:00', '17:00'], wed: ['09:00', '17:00'],"
        " thu: ['09:00', '17:00'], fri: ['09:00', '17:00']}\n"
        "closed_dates: [2026-12-25]\n"
    )
    return OfficeHours.load(path)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    "now, expected",
    [
        (local(2026, 11, 30, 10, 0), local(2026, 11, 30, 10, 0)),  # open now: now
        (local(2026, 11, 30, 7, 30), local(2026, 11, 30, 9, 0)),  # before opening: today at nine
        (local(2026, 11, 30, 17, 0), local(2026, 12, 1, 9, 0)),  # at closing time: tomorrow
        (local(2026, 12, 4, 18, 0), local(2026, 12, 7, 9, 0)),  # Friday evening: Monday
        (local(2026, 12, 24, 18, 0), local(2026, 12, 28, 9, 0)),  # closed date and weekend skipped
    ],
)
def test_next_opening(hours: OfficeHours, now: dt.datetime, expected: dt.datetime) -> None:
    assert hours.next_opening(now) == expected
    assert hours.is_open(now) == (now == expected)


def test_next_opening_works_from_utc_times(hours: OfficeHours) -> None:
    assert hours.next_opening(dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc)) == local(2026, 11, 30, 9, 0)


def test_never_open_has_no_next_opening(tmp_path: Path) -> None:
    path = tmp_path / "closed.yml"
    path.write_text("timezone: Europe/Brussels\nhours: {}\n")
    assert OfficeHours.load(path).next_opening(local(2026, 11, 30, 10, 0)) is None


def test_hours_until_midnight(tmp_path: Path) -> None:
    path = tmp_path / "late.yml"
    path.write_text("timezone: Europe/Brussels\nhours: {mon: ['20:00', '24:00']}\n")
    late = OfficeHours.load(path)
    assert late.is_open(local(2026, 11, 30, 23, 59))
    assert not late.is_open(local(2026, 12, 1, 0, 0))


def test_describe() -> None:
    monday = local(2026, 11, 30, 9, 0)
    assert describe(monday, "en") == "Monday 30 November, 09:00"
    assert describe(monday, "nl") == "maandag 30 november, 09:00"
    assert describe(monday, "fr") == "Monday 30 November, 09:00"
