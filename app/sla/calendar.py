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

from bisect import bisect_left, bisect_right
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


# Open time is memoized per calendar in blocks of BLOCK_DAYS local dates (a Monday epoch), so a
# measure over months or years (an overdue ticket's remainingSeconds) adds up block totals
# instead of walking every day: a dashboard page reads ~100 such timers.
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

    def overlap(self, start: datetime, end: datetime) -> timedelta:
        """Open time of this block inside [start, end)."""
        first = bisect_right(self.ends, start)  # the first interval ending after start
        stop = bisect_left(self.starts, end)  # intervals from here on open at or after end
        if first >= stop:
            return timedelta()
        total = self.before[stop] - self.before[first]
        if self.starts[first] < start:
            total -= start - self.starts[first]
        if self.ends[stop - 1] > end:
            total -= self.ends[stop - 1] - end
        return total


@dataclass
class Memo:
    """What arithmetic has worked out about one calendar: blocks by index, and sums of block
    totals from a first index (sums[k]: the totals of the blocks from `low` up to k)."""

    blocks: dict[int, Block] = field(default_factory=dict)
    low: int | None = None
    sums: dict[int, timedelta] = field(default_factory=dict)


def _block_index(calendar: Calendar, instant: datetime) -> int:
    return (instant.astimezone(calendar.timezone).date() - _EPOCH).days // BLOCK_DAYS


def _block(calendar: Calendar, index: int) -> Block:
    found = calendar.memo.blocks.get(index)
    if found is not None:
        return found
    first = _EPOCH + timedelta(days=index * BLOCK_DAYS)
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


def _sum_before(calendar: Calendar, index: int) -> timedelta:
    """The block totals from the memo's first index up to `index` (exclusive; negative below
    it): sum_before(k2) - sum_before(k1) is the open time of blocks k1..k2-1."""
    memo = calendar.memo
    if memo.low is None:
        memo.low = index
        memo.sums[index] = timedelta()
    found = memo.sums.get(index)
    if found is not None:
        return found
    if index > memo.low:
        known = max(k for k in memo.sums if k < index)
        total = memo.sums[known]
        for k in range(known, index):
            total += _block(calendar, k).total
            memo.sums[k + 1] = total
    else:
        known = min(memo.sums)
        total = memo.sums[known]
        for k in range(known - 1, index - 1, -1):
            total -= _block(calendar, k).total
            memo.sums[k] = total
    return memo.sums[index]


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
    first, last = _block_index(calendar, start - _DAY), _block_index(calendar, end)
    if last - first < 4:
        return sum(
            (_block(calendar, k).overlap(start, end) for k in range(first, last + 1)),
            timedelta(),
        )
    # Blocks first+2 .. last-2 lie wholly inside (start lies before the first's second block
    # begins, end after the last's first block ends): their totals, from the running sums.
    edges = (first, first + 1, last - 1, last)
    total = sum((_block(calendar, k).overlap(start, end) for k in edges), timedelta())
    return total + _sum_before(calendar, last - 1) - _sum_before(calendar, first + 2)


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
