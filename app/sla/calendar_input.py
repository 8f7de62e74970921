"""Reading a calendar from what an admin sends (and from its stored JSON), with clear errors.

Stored form, kept as sent so it reads back the same: weekly hours as
`[{"day": 0..6 (Monday 0), "opens": "09:00", "closes": "17:00"}]`, exceptions as
`[{"date": "2026-12-24", "closed": false, "opens": "09:00", "closes": "12:00"}]` (several
entries for one date are several spans; `closed` entries give the date no spans).
"""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from app.domain.errors import validation
from app.sla.calendar import Calendar, Span

MAX_WEEKLY_SPANS = 70
MAX_EXCEPTIONS = 2000
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
# Exceptions may name dates this far around today's year; beyond, arithmetic never reaches them.
_FIRST_YEAR, _LAST_YEAR = 1970, 2200


@dataclass(frozen=True)
class HoursInput:
    day: int  # 0 = Monday
    opens: str
    closes: str


@dataclass(frozen=True)
class ExceptionInput:
    date: date
    closed: bool = False
    opens: str | None = None
    closes: str | None = None


def parse_clock(text: str, field: str, *, closing: bool) -> time:
    """ "HH:MM"; "24:00" (midnight at the end of the day) only as a closing time."""
    match = _CLOCK.match(text)
    if match is None:
        raise validation("Must be a time of day as HH:MM.", field)
    hours, minutes = int(match[1]), int(match[2])
    if hours == 24:
        if minutes or not closing:
            raise validation("24:00 is only a closing time.", field)
        return time(0)
    return time(hours, minutes)


def _span(opens: str, closes: str, field: str) -> Span:
    span = Span(
        parse_clock(opens, f"{field}.opens", closing=False),
        parse_clock(closes, f"{field}.closes", closing=True),
    )
    if span.opens == span.closes and span.opens != time(0):
        raise validation("A span that opens and closes at once is empty.", f"{field}.closes")
    return span


def _check_no_overlap(spans: Sequence[Span], field: str) -> None:
    """Spans of one day never overlap (an overnight span may only be the day's last)."""
    ordered = sorted(spans)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.overnight or later.opens < earlier.closes:
            raise validation("Spans of one day overlap.", field)


def check_timezone(name: str) -> zoneinfo.ZoneInfo:
    try:
        if "\x00" in name or not name.strip():
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise validation(
            "Unknown time zone; use an IANA name such as Europe/Berlin.", "timezone"
        ) from None


def build_calendar(
    timezone: str, weekly: Sequence[HoursInput], exceptions: Sequence[ExceptionInput]
) -> Calendar:
    """A Calendar, or a VALIDATION error naming the field at fault."""
    zone = check_timezone(timezone)
    if len(weekly) > MAX_WEEKLY_SPANS:
        raise validation(f"At most {MAX_WEEKLY_SPANS} weekly spans.", "weeklyHours")
    if len(exceptions) > MAX_EXCEPTIONS:
        raise validation(f"At most {MAX_EXCEPTIONS} exceptions.", "exceptions")
    days: list[list[Span]] = [[] for _ in range(7)]
    for index, hours in enumerate(weekly):
        if not 0 <= hours.day <= 6:
            raise validation("Unknown weekday.", f"weeklyHours[{index}].day")
        days[hours.day].append(_span(hours.opens, hours.closes, f"weeklyHours[{index}]"))
    for day, spans in enumerate(days):
        _check_no_overlap(spans, f"weeklyHours (day {day})")
    if not any(days):
        raise validation("A calendar needs opening hours on at least one weekday.", "weeklyHours")
    special: dict[date, list[Span]] = {}
    for index, entry in enumerate(exceptions):
        field = f"exceptions[{index}]"
        if not _FIRST_YEAR <= entry.date.year <= _LAST_YEAR:
            raise validation(f"Must lie in {_FIRST_YEAR}..{_LAST_YEAR}.", f"{field}.date")
        spans = special.setdefault(entry.date, [])
        if entry.closed:
            if entry.opens is not None or entry.closes is not None:
                raise validation("A closed date has no hours.", f"{field}.opens")
            continue
        if entry.opens is None or entry.closes is None:
            raise validation("Give opens and closes, or closed: true.", f"{field}.opens")
        spans.append(_span(entry.opens, entry.closes, field))
    for day_, spans in special.items():
        _check_no_overlap(spans, f"exceptions ({day_.isoformat()})")
    return Calendar(
        zone,
        tuple(tuple(sorted(spans)) for spans in days),
        {day_: tuple(sorted(spans)) for day_, spans in special.items()},
    )


def to_json(
    weekly: Sequence[HoursInput], exceptions: Sequence[ExceptionInput]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    hours = [{"day": h.day, "opens": h.opens, "closes": h.closes} for h in weekly]
    special = [
        {"date": e.date.isoformat(), "closed": e.closed, "opens": e.opens, "closes": e.closes}
        for e in exceptions
    ]
    return hours, special


def from_json(
    timezone: str, hours: list[dict[str, Any]], special: list[dict[str, Any]]
) -> Calendar:
    """The Calendar of a stored row (checked when it was created)."""
    return build_calendar(
        timezone,
        [HoursInput(h["day"], h["opens"], h["closes"]) for h in hours],
        [
            ExceptionInput(date.fromisoformat(e["date"]), e["closed"], e["opens"], e["closes"])
            for e in special
        ],
    )
