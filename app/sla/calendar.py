"""Business calendars and business-time arithmetic, as pure functions.

A calendar is a time zone, the spans a business is open on each weekday, and exceptions by
date (a holiday: no spans; a short day: its own spans). A span belongs to the date it opens on;
one that closes at or before it opens runs overnight into the next day ("22:00"-"06:00"), and
"00:00"-"00:00" is the whole day. An exception replaces the spans that open on its date.

Wall times become instants through `zoneinfo`, so a span across a DST change counts the seconds
that really pass: "01:00"-"04:00" is two hours on the spring-forward night in Berlin and four on
the fall-back night. A wall time that occurs twice (fall back) means its first occurrence; one
the clock skips (spring forward) means the moment the clock jumps.

All instants in and out are timezone-aware; arithmetic is exact (timedelta, microseconds).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How far ahead arithmetic looks for open hours. A due time further away than this is "never"
# (a calendar closed for that long); it also bounds the work one call can do.
HORIZON = timedelta(days=800)
_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, order=True)
class Span:
    """Open from `opens` to `closes` (local wall times); overnight when closes <= opens."""

    opens: time
    closes: time

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens


@dataclass(frozen=True)
class Calendar:
    timezone: ZoneInfo
    # Spans by weekday, Monday first (date.weekday()).
    weekly: tuple[tuple[Span, ...], ...]
    exceptions: Mapping[date, tuple[Span, ...]] = field(default_factory=dict)

    def spans_on(self, day: date) -> tuple[Span, ...]:
        found = self.exceptions.get(day)
        return self.weekly[day.weekday()] if found is None else found


Interval = tuple[datetime, datetime]


def local_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant a naive local wall time names: its first occurrence when it occurs twice,
    the moment of the jump when the clock skips it."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap. fold=1 reads it with the offset after the jump (an instant before the jump),
    # fold=0 with the offset before (after the jump): the jump lies between, found by halving.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    before = low.astimezone(zone).utcoffset()
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0) if high.microsecond else high


def day_intervals(calendar: Calendar, day: date) -> list[Interval]:
    """The open intervals (UTC) of the spans that open on local date `day`, in order."""
    zone = calendar.timezone
    found = []
    for span in sorted(calendar.spans_on(day)):
        end_day = day + _DAY if span.overnight else day
        start = local_to_utc(datetime.combine(day, span.opens), zone)
        end = local_to_utc(datetime.combine(end_day, span.closes), zone)
        if end > start:  # a span inside a skipped hour is empty
            found.append((start, end))
    return found


def open_intervals(calendar: Calendar | None, since: datetime) -> Iterator[Interval]:
    """Open intervals from `since` on, merged and in order, the first clipped to start at
    `since`, up to HORIZON ahead. None is the 24/7 calendar: one interval."""
    if calendar is None:
        yield since, since + HORIZON
        return
    limit = since + HORIZON
    day = since.astimezone(calendar.timezone).date() - _DAY  # yesterday's overnight spans
    pending: Interval | None = None
    while True:
        for start, end in day_intervals(calendar, day):
            if end <= since:
                continue
            start = max(start, since)
            if pending is not None and start <= pending[1]:
                pending = (pending[0], max(pending[1], end))
                continue
            if pending is not None:
                yield pending
            if start >= limit:
                return
            pending = (start, end)
        day += _DAY
        if datetime.combine(day, time(), calendar.timezone) > limit + _DAY:
            break
    if pending is not None:
        yield pending


def business_time(calendar: Calendar | None, start: datetime, end: datetime) -> timedelta:
    """How much open time lies between `start` and `end` (zero when end <= start)."""
    total = timedelta()
    if end <= start:
        return total
    for opened, closed in open_intervals(calendar, start):
        if opened >= end:
            break
        total += min(closed, end) - opened
    return total


def add_business_time(
    calendar: Calendar | None, start: datetime, amount: timedelta
) -> datetime | None:
    """The first instant at which `amount` of open time has passed since `start`; None when
    that lies beyond HORIZON. Zero is `start` itself; a positive amount ends inside open hours
    (at most at a closing time)."""
    if amount <= timedelta():
        return start
    left = amount
    for opened, closed in open_intervals(calendar, start):
        if closed - opened >= left:
            return opened + left
        left -= closed - opened
    return None


def is_open(calendar: Calendar | None, instant: datetime) -> bool:
    """Whether `instant` lies inside open hours (an opening counts, a closing does not)."""
    for opened, closed in open_intervals(calendar, instant):
        return opened <= instant < closed
    return False
