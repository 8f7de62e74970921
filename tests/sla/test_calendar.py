"""Business-time arithmetic: properties over random calendars and instants, and the DST nights
of Europe/Berlin and America/New_York in 2026 and 2027 checked by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sla.calendar import (
    BLOCK_DAYS,
    Calendar,
    Span,
    add_business_time,
    business_time,
    business_time_until,
    is_open,
    local_to_utc,
    open_intervals,
)
from app.sla.calendar_input import ExceptionInput, HoursInput, build_calendar

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return local_to_utc(datetime(*args), zone)


def every_day(*spans: tuple[str, str]) -> list[HoursInput]:
    return [HoursInput(day, o, c) for day in range(7) for o, c in spans]


# --- random calendars -------------------------------------------------------------------------

_ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe"])
_QUARTERS = st.integers(0, 95)  # a day in quarter hours


def _clock(quarter: int) -> str:
    return f"{quarter // 4:02d}:{quarter % 4 * 15:02d}"


@st.composite
def day_spans(draw: st.DrawFn) -> list[tuple[str, str]]:
    """0-3 non-overlapping spans; the last may run overnight."""
    cuts = sorted(draw(st.sets(_QUARTERS, min_size=0, max_size=6)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    spans = [(_clock(a), _clock(b)) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    if spans and draw(st.booleans()):
        last_open = cuts[-2]
        closes = draw(st.integers(0, last_open))  # at or before it opens: overnight
        if closes == last_open and last_open != 0:
            closes = 0
        spans[-1] = (spans[-1][0], _clock(closes))
    return spans


@st.composite
def calendars(draw: st.DrawFn, zones: st.SearchStrategy[str] = _ZONES) -> Calendar:
    zone = draw(zones)
    weekly = []
    for day in range(7):
        weekly += [HoursInput(day, o, c) for o, c in draw(day_spans())]
    if not weekly:
        weekly = [HoursInput(0, "09:00", "17:00")]
    exceptions = []
    for day in draw(st.sets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=5)):
        spans = draw(day_spans())
        if not spans:
            exceptions.append(ExceptionInput(day, closed=True))
        exceptions += [ExceptionInput(day, False, o, c) for o, c in spans]
    return build_calendar(zone, weekly, exceptions)


instants = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
amounts = st.integers(1, 60 * 3600).map(lambda s: timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, amounts)
def test_adding_then_measuring_round_trips(cal: Calendar, start: datetime, amount: timedelta):
    due = add_business_time(cal, start, amount)
    assert due is not None and due > start
    assert business_time(cal, start, due) == amount
    # And no earlier instant has that much open time behind it.
    assert business_time(cal, start, due - timedelta(microseconds=1)) < amount


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, amounts)
def test_a_due_time_never_falls_outside_open_hours(cal: Calendar, start, amount):
    due = add_business_time(cal, start, amount)
    assert due is not None
    # Inside open hours, or exactly at a closing time (the last open second just passed).
    assert is_open(cal, due - timedelta(microseconds=1))


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, st.integers(0, 10 * 86400))
def test_measuring_then_adding_lands_at_or_before_the_end(cal, start, seconds):
    end = start + timedelta(seconds=seconds)
    measured = business_time(cal, start, end)
    back = add_business_time(cal, start, measured)
    assert back is not None and back <= end
    assert business_time(cal, back, end) == timedelta()


@settings(max_examples=200, deadline=None)
@given(calendars(), instants)
def test_open_intervals_are_ordered_disjoint_and_inside_the_spans(cal, start):
    previous_end = None
    for count, (opened, closed) in enumerate(open_intervals(cal, start)):
        assert start <= opened < closed
        if previous_end is not None:
            assert opened > previous_end  # merged: touching intervals are one
        previous_end = closed
        if count == 30:
            break


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants, instants)
def test_business_time_adds_up_over_a_split(cal, a, b, c):
    first, middle, last = sorted((a, b, c))
    whole = business_time(cal, first, last)
    assert whole == business_time(cal, first, middle) + business_time(cal, middle, last)
    assert whole <= last - first


def _walked(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    """Open time of [start, end) by walking the open intervals (no timeline)."""
    total = timedelta()
    for opened, closed in open_intervals(cal, start):
        if opened >= end:
            break
        total += min(closed, end) - opened
    return total


@settings(max_examples=100, deadline=None)
@given(
    calendars(), st.lists(st.tuples(instants, st.integers(0, 40 * 86400)), min_size=1, max_size=6)
)
def test_business_time_is_the_open_time_walked(cal, ranges):
    """Measures on one calendar, in any order (its timeline grows back and forth), agree with
    the open intervals walked one by one."""
    for start, seconds in ranges:
        end = start + timedelta(seconds=seconds)
        assert business_time(cal, start, end) == _walked(cal, start, end)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, instants)
def test_time_until_a_due_time_is_signed(cal, now, due):
    """remainingSeconds' measure: the open time left, or minus the open time since."""
    expected = business_time(cal, now, due) if now <= due else -business_time(cal, due, now)
    assert business_time_until(cal, now, due) == expected


def test_a_night_span_reaching_into_a_new_block_is_counted():
    """The first hours of a block's first day belong to the night before (a span of the
    previous block): a fresh calendar measuring there must count them."""
    first_day = date(1970, 1, 5) + timedelta(days=BLOCK_DAYS * 731)  # blocks start on this
    cal = build_calendar("Europe/Berlin", every_day(("22:00", "06:00")), [])
    midnight = local(BERLIN, first_day.year, first_day.month, first_day.day)
    assert business_time(cal, midnight + H, midnight + 5 * H) == 4 * H


# --- DST nights, by hand ----------------------------------------------------------------------

# (zone, spring-forward date, fall-back date) for 2026 and 2027.
DST_NIGHTS = [
    (BERLIN, date(2026, 3, 29), date(2026, 10, 25)),
    (BERLIN, date(2027, 3, 28), date(2027, 10, 31)),
    (NEW_YORK, date(2026, 3, 8), date(2026, 11, 1)),
    (NEW_YORK, date(2027, 3, 14), date(2027, 11, 7)),
]


@pytest.mark.parametrize(("zone", "spring", "fall"), DST_NIGHTS)
def test_a_night_span_counts_the_seconds_that_really_pass(zone, spring, fall):
    """00:00-06:00 on the nights the clocks change: five real hours in spring, seven in fall."""
    cal = build_calendar(zone.key, every_day(("00:00", "06:00")), [])
    for day, hours in ((spring, 5), (fall, 7)):
        opened = local(zone, day.year, day.month, day.day, 0, 0)
        closed = local(zone, day.year, day.month, day.day, 6, 0)
        assert business_time(cal, opened - H, closed + H) == hours * H
        assert add_business_time(cal, opened, hours * H) == closed


@pytest.mark.parametrize(("zone", "spring", "fall"), DST_NIGHTS)
def test_an_overnight_span_across_the_change(zone, spring, fall):
    """22:00-06:00 from the evening before: seven real hours in spring, nine in fall."""
    cal = build_calendar(zone.key, every_day(("22:00", "06:00")), [])
    for day, hours in ((spring, 7), (fall, 9)):
        eve = day - timedelta(days=1)
        opened = local(zone, eve.year, eve.month, eve.day, 22, 0)
        assert add_business_time(cal, opened, hours * H) == local(
            zone, day.year, day.month, day.day, 6, 0
        )
        # One second more lands in the next evening's span.
        next_open = local(zone, day.year, day.month, day.day, 22, 0)
        assert add_business_time(cal, opened, hours * H + timedelta(seconds=1)) == (
            next_open + timedelta(seconds=1)
        )


@pytest.mark.parametrize(("zone", "spring", "fall"), DST_NIGHTS)
def test_a_business_day_after_the_change_is_still_eight_hours(zone, spring, fall):
    """9-17 on the days around a change: 8 real hours each, due times at 17:00 local."""
    cal = build_calendar(zone.key, every_day(("09:00", "17:00")), [])
    for day in (spring, fall):
        eve = day - timedelta(days=1)
        start = local(zone, eve.year, eve.month, eve.day, 13, 0)
        due = add_business_time(cal, start, 8 * H)
        assert due == local(zone, day.year, day.month, day.day, 13, 0)
        assert due.astimezone(zone).hour == 13


def test_a_skipped_wall_time_means_the_moment_of_the_jump():
    # Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    assert local(BERLIN, 2026, 3, 29, 2, 30) == utc(2026, 3, 29, 1, 0)
    cal = build_calendar("Europe/Berlin", every_day(("02:30", "04:00")), [])
    assert business_time(cal, utc(2026, 3, 28, 23), utc(2026, 3, 29, 6)) == H
    # New York 2027-03-14: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
    assert local(NEW_YORK, 2027, 3, 14, 2, 15) == utc(2027, 3, 14, 7, 0)


def test_a_repeated_wall_time_means_its_first_occurrence():
    # Berlin 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    assert local(BERLIN, 2026, 10, 25, 2, 30) == utc(2026, 10, 25, 0, 30)
    assert local(NEW_YORK, 2026, 11, 1, 1, 30) == utc(2026, 11, 1, 5, 30)


# --- exceptions and several spans a day -------------------------------------------------------


def test_holidays_and_short_days_replace_the_weekly_hours():
    weekdays = [
        HoursInput(d, o, c) for d in range(5) for o, c in (("09:00", "12:00"), ("13:00", "17:00"))
    ]
    cal = build_calendar(
        "Europe/Berlin",
        weekdays,
        [
            ExceptionInput(date(2026, 12, 24), False, "09:00", "11:00"),  # Thursday, short
            ExceptionInput(date(2026, 12, 25), closed=True),  # Friday, closed
        ],
    )
    start = local(BERLIN, 2026, 12, 23, 16, 0)  # Wednesday, an hour before closing
    # 1h Wednesday + 2h on the 24th, then closed until Monday 28th 09:00; 30 min more.
    due = add_business_time(cal, start, timedelta(hours=3, minutes=30))
    assert due == local(BERLIN, 2026, 12, 28, 9, 30)
    # The lunch break counts nothing.
    assert (
        business_time(cal, local(BERLIN, 2026, 12, 28, 11, 0), local(BERLIN, 2026, 12, 28, 14, 0))
        == 2 * H
    )


def test_an_overnight_span_belongs_to_the_day_it_opens():
    # Open Friday 22:00 to Saturday 04:00; Saturday is a holiday, which closes only spans
    # opening on Saturday.
    cal = build_calendar(
        "America/New_York",
        [HoursInput(4, "22:00", "04:00")],
        [ExceptionInput(date(2026, 6, 6), closed=True)],
    )
    friday = local(NEW_YORK, 2026, 6, 5, 22, 0)
    assert business_time(cal, friday, friday + 12 * H) == 6 * H
    cal = build_calendar(
        "America/New_York",
        [HoursInput(4, "22:00", "04:00")],
        [ExceptionInput(date(2026, 6, 5), closed=True)],
    )
    assert business_time(cal, friday, friday + 12 * H) == timedelta()


def test_the_whole_day_and_24_00():
    cal = build_calendar(
        "UTC", [HoursInput(0, "00:00", "00:00"), HoursInput(1, "12:00", "24:00")], []
    )
    monday = utc(2026, 6, 1)
    assert business_time(cal, monday, monday + 48 * H) == 36 * H


def test_the_24_7_calendar_is_plain_time():
    start = utc(2026, 3, 29, 0, 30)
    assert add_business_time(None, start, 5 * H) == start + 5 * H
    assert business_time(None, start, start + 5 * H) == 5 * H


def test_a_calendar_closed_beyond_the_horizon_never_comes_due():
    cal = Calendar(BERLIN, tuple(() for _ in range(7)))
    assert add_business_time(cal, utc(2026, 1, 1), H) is None


@pytest.mark.parametrize(
    ("weekly", "exceptions", "field"),
    [
        ([HoursInput(0, "9:00", "17:00")], [], "weeklyHours[0].opens"),
        ([HoursInput(0, "09:00", "25:00")], [], "weeklyHours[0].closes"),
        ([HoursInput(0, "24:00", "17:00")], [], "weeklyHours[0].opens"),
        ([HoursInput(7, "09:00", "17:00")], [], "weeklyHours[0].day"),
        ([HoursInput(0, "09:00", "09:00")], [], "weeklyHours[0].closes"),
        (
            [HoursInput(0, "09:00", "12:00"), HoursInput(0, "11:00", "13:00")],
            [],
            "weeklyHours (day 0)",
        ),
        (
            [HoursInput(0, "22:00", "02:00"), HoursInput(0, "23:00", "23:30")],
            [],
            "weeklyHours (day 0)",
        ),
        ([], [], "weeklyHours"),
        (
            [HoursInput(0, "09:00", "17:00")],
            [ExceptionInput(date(2026, 1, 1))],
            "exceptions[0].opens",
        ),
        (
            [HoursInput(0, "09:00", "17:00")],
            [ExceptionInput(date(2026, 1, 1), True, "09:00", "10:00")],
            "exceptions[0].opens",
        ),
    ],
)
def test_bad_calendars_are_refused_naming_the_field(weekly, exceptions, field):
    from app.domain.errors import DomainError

    with pytest.raises(DomainError) as refused:
        build_calendar("Europe/Berlin", weekly, exceptions)
    assert refused.value.field == field


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Europe/Berlin\x00"])
def test_unknown_time_zones_are_refused(name):
    from app.domain.errors import DomainError

    with pytest.raises(DomainError) as refused:
        build_calendar(name, [HoursInput(0, "09:00", "17:00")], [])
    assert refused.value.field == "timezone"


def test_spans_are_sorted_and_kept():
    cal = build_calendar(
        "UTC", [HoursInput(2, "13:00", "17:00"), HoursInput(2, "08:00", "12:00")], []
    )
    assert cal.weekly[2] == (Span(time(8), time(12)), Span(time(13), time(17)))


@settings(max_examples=30, deadline=None)
@given(calendars(), instants, st.integers(30, 900))
def test_a_long_measure_equals_the_sum_of_its_weeks(cal, start, days):
    """Long spans add up block totals from memoized running sums; short ones walk intervals:
    both ways must agree, measured forwards and then backwards in time."""
    end = start + timedelta(days=days)
    cuts = [start + timedelta(days=7 * i) for i in range(days // 7 + 1)] + [end]
    by_weeks = sum((business_time(cal, a, b) for a, b in itertools.pairwise(cuts)), timedelta())
    assert business_time(cal, start, end) == by_weeks
    earlier = start - timedelta(days=days)
    assert business_time(cal, earlier, end) == business_time(cal, earlier, start) + by_weeks


# The DST changes of 2026 and 2027 in both zones, as UTC instants.
_CHANGES = {
    "Europe/Berlin": [
        utc(2026, 3, 29, 1),
        utc(2026, 10, 25, 1),
        utc(2027, 3, 28, 1),
        utc(2027, 10, 31, 1),
    ],
    "America/New_York": [
        utc(2026, 3, 8, 7),
        utc(2026, 11, 1, 6),
        utc(2027, 3, 14, 7),
        utc(2027, 11, 7, 6),
    ],
}


@st.composite
def near_a_change(draw: st.DrawFn) -> tuple[Calendar, datetime]:
    """A calendar of Berlin or New York, and an instant within two days of one of its
    spring-forward or fall-back nights."""
    zone = draw(st.sampled_from(sorted(_CHANGES)))
    cal = draw(calendars(st.just(zone)))
    change = draw(st.sampled_from(_CHANGES[zone]))
    return cal, change + timedelta(minutes=draw(st.integers(-2 * 1440, 2 * 1440)))


@settings(max_examples=400, deadline=None)
@given(near_a_change(), st.integers(1, 30 * 3600).map(lambda s: timedelta(seconds=s)))
def test_across_dst_nights_adding_then_measuring_round_trips(case, amount):
    cal, start = case
    due = add_business_time(cal, start, amount)
    assert due is not None
    assert business_time(cal, start, due) == amount
    assert is_open(cal, due - timedelta(microseconds=1))
    # Business time never exceeds the real time that passed, whatever the clocks did.
    assert amount <= due - start


def test_the_changes_are_where_the_zones_say():
    for zone, instants in _CHANGES.items():
        for instant in instants:
            tz = ZoneInfo(zone)
            before, after = instant - timedelta(minutes=1), instant + timedelta(minutes=1)
            assert before.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset()
