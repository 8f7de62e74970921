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

from bisect import bisect_right
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


@dataclass(frozen=True, eq=False)
class Calendar:
    timezone: ZoneInfo
    # Spans by weekday, Monday first (date.weekday()).
    weekly: tuple[tuple[Span, ...], ...]
    exceptions: Mapping[date, tuple[Span, ...]] = field(default_factory=dict)
    # Filled as arithmetic reaches each block (calendars never change).
    memo: Memo = field(default_factory=lambda: Memo(), compare=False, repr=False)

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


# Open time is memoized per calendar in blocks of BLOCK_DAYS local dates (a Monday epoch), and
# the blocks measured are laid end to end in one timeline with running totals, so a measure over
# months or years (an overdue ticket's remainingSeconds) is two bisections instead of a walk
# over every day: a dashboard page reads ~100 such timers.
BLOCK_DAYS = 28
_EPOCH = date(1970, 1, 5)  # a Monday


@dataclass(frozen=True)
class Block:
    """The open intervals (UTC) of the spans opening on one block's dates, in order and
    disjoint (each clipped to start after everything before it), and their running totals."""

    intervals: tuple[Interval, ...]
    starts: tuple[datetime, ...]
    ends: tuple[datetime, ...]
    before: tuple[timedelta, ...]  # before[i]: open time of intervals[:i]; last: the total

    @property
    def total(self) -> timedelta:
        return self.before[-1]


@dataclass
class Timeline:
    """Consecutive blocks `first`..`last` laid end to end: their intervals in one sorted list
    with running totals, so the open time before an instant is one bisection. It counts every
    open moment in [low, high): before `low` lie tails of spans from days before `first`."""

    first: int
    last: int
    starts: list[datetime]
    ends: list[datetime]
    before: list[timedelta]  # before[i]: open time of the first i intervals
    low: datetime
    high: datetime

    def open_before(self, instant: datetime) -> timedelta:
        """Open time from the start of the timeline to `instant` (inside [low, high))."""
        i = bisect_right(self.ends, instant)  # intervals before i close at or before it
        total = self.before[i]
        if i < len(self.starts) and self.starts[i] < instant:
            total += instant - self.starts[i]
        return total


@dataclass
class Memo:
    """What arithmetic has worked out about one calendar: blocks by index, and the timeline
    that measures (grown to what has been measured)."""

    blocks: dict[int, Block] = field(default_factory=dict)
    line: Timeline | None = None


def _block_index(calendar: Calendar, instant: datetime) -> int:
    return (instant.astimezone(calendar.timezone).date() - _EPOCH).days // BLOCK_DAYS


def _block(calendar: Calendar, index: int) -> Block:
    found = calendar.memo.blocks.get(index)
    if found is not None:
        return found
    first = _first_day(index)
    # What the day before opened may run into this block (an overnight span): clip against it.
    reached = max((end for _, end in day_intervals(calendar, first - _DAY)), default=None)
    intervals: list[Interval] = []
    for offset in range(BLOCK_DAYS):
        for start, end in day_intervals(calendar, first + timedelta(days=offset)):
            if reached is not None:
                if end <= reached:
                    continue
                start = max(start, reached)
            intervals.append((start, end))
            reached = end
    before = [timedelta()]
    for start, end in intervals:
        before.append(before[-1] + (end - start))
    block = Block(
        tuple(intervals),
        tuple(start for start, _ in intervals),
        tuple(end for _, end in intervals),
        tuple(before),
    )
    calendar.memo.blocks[index] = block
    return block


# A timeline grows by at least this many blocks at a time (about a year), so measures that
# creep forward with the clock rebuild it rarely.
_GROW_BLOCKS = 13


def _midnight(calendar: Calendar, day: date) -> datetime:
    return local_to_utc(datetime.combine(day, time()), calendar.timezone)


def _first_day(index: int) -> date:
    return _EPOCH + timedelta(days=index * BLOCK_DAYS)


def _timeline(calendar: Calendar, start: datetime, end: datetime) -> Timeline:
    """The calendar's timeline, grown to count every open moment of [start, end]."""
    line = calendar.memo.line
    if line is not None and line.low <= start and end < line.high:
        return line
    # Three days back: `low` lies two days into the first block's first day.
    first = _block_index(calendar, start - 3 * _DAY)
    last = _block_index(calendar, end)
    if line is not None:
        first = min(first, line.first) if first >= line.first else first - _GROW_BLOCKS
        last = max(last, line.last) if last <= line.last else last + _GROW_BLOCKS
    starts: list[datetime] = []
    ends: list[datetime] = []
    before = [timedelta()]
    for index in range(first, last + 1):
        block = _block(calendar, index)
        starts += block.starts
        ends += block.ends
        total = before[-1]
        before += [total + sum_ for sum_ in block.before[1:]]
    line = Timeline(
        first,
        last,
        starts,
        ends,
        before,
        low=_midnight(calendar, _first_day(first) + 2 * _DAY),
        high=_midnight(calendar, _first_day(last + 1)),
    )
    calendar.memo.line = line
    return line


def _pieces(calendar: Calendar, since: datetime) -> Iterator[Interval]:
    """The disjoint open intervals that end after `since`, in order, up to HORIZON ahead;
    touching ones are not merged."""
    index = _block_index(calendar, since - _DAY)
    last = _block_index(calendar, since + HORIZON)
    while index <= last:
        for start, end in _block(calendar, index).intervals:
            if end > since:
                yield max(start, since), end
        index += 1


def open_intervals(calendar: Calendar | None, since: datetime) -> Iterator[Interval]:
    """Open intervals from `since` on, merged and in order, the first clipped to start at
    `since`, up to HORIZON ahead. None is the 24/7 calendar: one interval."""
    if calendar is None:
        yield since, since + HORIZON
        return
    pending: Interval | None = None
    for start, end in _pieces(calendar, since):
        if pending is not None and start <= pending[1]:
            pending = (pending[0], end)
            continue
        if pending is not None:
            yield pending
        pending = (start, end)
    if pending is not None:
        yield pending


def business_time(calendar: Calendar | None, start: datetime, end: datetime) -> timedelta:
    """How much open time lies between `start` and `end` (zero when end <= start)."""
    if end <= start:
        return timedelta()
    if calendar is None:
        return end - start
    # A difference of two bisections in the timeline (a dashboard measures ~100 timers).
    line = _timeline(calendar, start, end)
    return line.open_before(end) - line.open_before(start)


def business_time_until(calendar: Calendar | None, now: datetime, due: datetime) -> timedelta:
    """Open time from `now` until `due`; once `due` has passed, minus the open time since."""
    if calendar is None:
        return due - now
    line = _timeline(calendar, now, due) if now <= due else _timeline(calendar, due, now)
    return line.open_before(due) - line.open_before(now)


def add_business_time(
    calendar: Calendar | None, start: datetime, amount: timedelta
) -> datetime | None:
    """The first instant at which `amount` of open time has passed since `start`; None when
    that lies beyond HORIZON. Zero is `start` itself; a positive amount ends inside open hours
    (at most at a closing time)."""
    if amount <= timedelta():
        return start
    if calendar is None:
        return start + amount
    left = amount
    index = _block_index(calendar, start - _DAY)
    last = _block_index(calendar, start + HORIZON)
    while index <= last:
        block = _block(calendar, index)
        index += 1
        if block.intervals and block.intervals[0][0] >= start and block.total < left:
            left -= block.total  # wholly after start and not enough: skip it whole
            continue
        for opened, closed in block.intervals:
            if closed <= start:
                continue
            opened = max(opened, start)
            if closed - opened >= left:
                return opened + left
            left -= closed - opened
    return None


def is_open(calendar: Calendar | None, instant: datetime) -> bool:
    """Whether `instant` lies inside open hours (an opening counts, a closing does not)."""
    for opened, closed in open_intervals(calendar, instant):
        return opened <= instant < closed
    return False
