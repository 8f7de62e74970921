"""SLA timers driven through the real commands with a controllable clock (no sleeps): every
metric, pauses, reopen, policy matching, and the warning / breach events of the scan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import app.tickets.unit_of_work as unit_of_work_module
from app.db.sla import NEVER_DUE
from app.domain.enums import MessageDirection, TicketKind
from app.sla.calendar_input import ExceptionInput, HoursInput
from app.sla.scan import announce_due
from app.sla.setup import PolicyInput, create_calendar, create_policy
from app.tickets.helpdesk import (
    complete_ticket,
    create_helpdesk_ticket,
    reopen_ticket,
    snooze_ticket,
    wake_due_tickets,
)
from app.tickets.helpdesk_flags import mark_ticket_spam
from app.tickets.messages import add_ticket_message
from app.tickets.queue import create_queue_ticket
from app.tickets.queue_desk import call_ticket, mark_ticket_served
from tests.services.lifecycle_helpers import Ctx, make_ctx
from tests.sla.helpers import Clock, due_of, sla_events, timers_of

pytestmark = pytest.mark.anyio

# Monday 2026-03-23 10:00 in Berlin (CET, UTC+1): the week of the spring-forward night.
MONDAY_10 = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(MONDAY_10)
    monkeypatch.setattr(unit_of_work_module, "utcnow", clock)
    return clock


@pytest.fixture
async def ctx(db, make_workspace) -> Ctx:  # type: ignore[no-untyped-def]
    return await make_ctx(db, make_workspace)


async def scan(ctx: Ctx, now: datetime) -> int:
    """The due-timer scan at `now`, over this test's workspace."""
    return await announce_due(ctx.env, now, workspace_id=ctx.ws)


async def office_hours(ctx: Ctx, **kw) -> int:  # type: ignore[no-untyped-def]
    """Berlin, Monday to Friday 09:00-12:00 and 13:00-17:00."""
    weekly = [
        HoursInput(d, o, c) for d in range(5) for o, c in (("09:00", "12:00"), ("13:00", "17:00"))
    ]
    calendar = await create_calendar(
        ctx.env, ctx.admin, name="Office", timezone="Europe/Berlin", weekly_hours=weekly, **kw
    )
    return calendar.id  # type: ignore[return-value]


async def helpdesk(ctx: Ctx, **kw) -> int:  # type: ignore[no-untyped-def]
    ticket = await create_helpdesk_ticket(ctx.env, ctx.admin, subject="Help", body="Hi", **kw)
    return ticket.id  # type: ignore[return-value]


async def test_first_response_counts_business_hours_and_stops_at_the_first_reply(ctx, clock):
    calendar = await office_hours(ctx)
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("4h", calendar_id=calendar, first_response_seconds=4 * 3600)
    )
    ticket = await helpdesk(ctx)
    timer = (await timers_of(ctx.env, ticket))["FIRST_RESPONSE"]
    # 10:00 + 2h to noon, lunch, 13:00 + 2h: due 15:00 Berlin (14:00 UTC).
    assert (timer.status, timer.due_at) == ("RUNNING", datetime(2026, 3, 23, 14, 0, tzinfo=UTC))
    assert await due_of(ctx.env, ticket) == timer.due_at
    clock.advance(hours=1)
    # An incoming message does not stop it; the first outgoing one does.
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="more", direction=MessageDirection.INCOMING
    )
    assert (await timers_of(ctx.env, ticket))["FIRST_RESPONSE"].status == "RUNNING"
    clock.advance(hours=2)  # 13:00 Berlin
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="on it", direction=MessageDirection.OUTGOING
    )
    timer = (await timers_of(ctx.env, ticket))["FIRST_RESPONSE"]
    assert (timer.status, timer.stopped_at, timer.elapsed_us) == (
        "MET",
        clock.now,
        2 * 3600 * 10**6,
    )
    assert timer.due_at is None and timer.next_at is None
    assert await due_of(ctx.env, ticket) == NEVER_DUE


async def test_a_breach_is_announced_once_by_the_scan_and_the_reply_after_it_stays_breached(
    ctx, clock
):
    await create_policy(
        ctx.env,
        ctx.admin,
        PolicyInput("fast", first_response_seconds=600, warn_before_seconds=120),
    )
    ticket = await helpdesk(ctx)
    assert await scan(ctx, clock.advance(minutes=7)) == 0
    assert await scan(ctx, clock.advance(minutes=1)) == 1  # 8 min: the warning
    assert await scan(ctx, clock.now) == 0
    assert await sla_events(ctx.env, ticket) == [("SLA_WARNING", "FIRST_RESPONSE", 1)]
    assert await scan(ctx, clock.advance(minutes=2)) == 1  # 10 min: the breach
    assert await scan(ctx, clock.advance(minutes=5)) == 0
    timer = (await timers_of(ctx.env, ticket))["FIRST_RESPONSE"]
    assert (timer.status, timer.breached_at) == ("BREACHED", MONDAY_10 + timedelta(minutes=10))
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="sorry", direction=MessageDirection.OUTGOING
    )
    timer = (await timers_of(ctx.env, ticket))["FIRST_RESPONSE"]
    assert (timer.status, timer.stopped_at) == ("BREACHED", clock.now)
    assert await sla_events(ctx.env, ticket) == [
        ("SLA_WARNING", "FIRST_RESPONSE", 1),
        ("SLA_BREACHED", "FIRST_RESPONSE", 1),
    ]


async def test_a_reply_after_the_due_time_but_before_the_scan_records_the_breach_itself(ctx, clock):
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("fast", first_response_seconds=600, warn_before_seconds=60)
    )
    ticket = await helpdesk(ctx)
    clock.advance(minutes=11)  # no scan ran meanwhile
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="late", direction=MessageDirection.OUTGOING
    )
    assert await sla_events(ctx.env, ticket) == [
        ("SLA_WARNING", "FIRST_RESPONSE", 1),
        ("SLA_BREACHED", "FIRST_RESPONSE", 1),
    ]
    assert await scan(ctx, clock.advance(minutes=1)) == 0
    assert (await timers_of(ctx.env, ticket))["FIRST_RESPONSE"].status == "BREACHED"


async def test_snoozing_pauses_and_waking_resumes_in_business_time(ctx, clock):
    calendar = await office_hours(ctx)
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("8h", calendar_id=calendar, resolution_seconds=8 * 3600)
    )
    ticket = await helpdesk(ctx)
    clock.advance(hours=1)  # 11:00 Berlin: 1h used
    await snooze_ticket(ctx.env, ctx.admin, ticket, until=clock.now + 24 * H)
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    assert (timer.status, timer.elapsed_us, timer.due_at) == ("PAUSED", 3600 * 10**6, None)
    assert await due_of(ctx.env, ticket) == NEVER_DUE
    clock.advance(hours=24)  # Tuesday 11:00: the snooze wakes it
    assert await wake_due_tickets(ctx.env, clock.now) == 1
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    # 7h left from Tuesday 11:00: 1h to noon, 4h afternoon, Wednesday 2h: 11:00 Berlin.
    assert timer.status == "RUNNING"
    assert timer.due_at == datetime(2026, 3, 25, 10, 0, tzinfo=UTC)


async def test_a_policy_may_leave_the_clock_running_while_snoozed(ctx, clock):
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("24/7", resolution_seconds=3600, pause_while_snoozed=False)
    )
    ticket = await helpdesk(ctx)
    await snooze_ticket(ctx.env, ctx.admin, ticket, until=clock.now + 24 * H)
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    assert (timer.status, timer.due_at) == ("RUNNING", MONDAY_10 + H)


async def test_awaiting_the_customer_pauses_resolution_when_the_policy_says(ctx, clock):
    await create_policy(
        ctx.env,
        ctx.admin,
        PolicyInput("pending", resolution_seconds=3600, pause_while_awaiting_customer=True),
    )
    ticket = await helpdesk(ctx)
    clock.advance(minutes=10)
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="need info", direction=MessageDirection.OUTGOING
    )
    assert (await timers_of(ctx.env, ticket))["RESOLUTION"].status == "PAUSED"
    clock.advance(hours=5)
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="here", direction=MessageDirection.INCOMING
    )
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    assert (timer.status, timer.due_at) == ("RUNNING", clock.now + timedelta(minutes=50))


async def test_resolution_stops_on_complete_and_restarts_on_reopen(ctx, clock):
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("res", resolution_seconds=3600, warn_before_seconds=600)
    )
    ticket = await helpdesk(ctx)
    clock.advance(minutes=30)
    await complete_ticket(ctx.env, ctx.admin, ticket)
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    assert (timer.status, timer.cycle, timer.stopped_at) == ("MET", 1, clock.now)
    clock.advance(hours=3)
    await reopen_ticket(ctx.env, ctx.admin, ticket)
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    assert (timer.status, timer.cycle, timer.started_at, timer.due_at) == (
        "RUNNING",
        2,
        clock.now,
        clock.now + H,
    )
    assert await scan(ctx, clock.advance(hours=2)) == 2
    assert await sla_events(ctx.env, ticket) == [
        ("SLA_WARNING", "RESOLUTION", 2),
        ("SLA_BREACHED", "RESOLUTION", 2),
    ]


async def test_spam_cancels_the_timers(ctx, clock):
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("p", first_response_seconds=60, resolution_seconds=600)
    )
    ticket = await helpdesk(ctx)
    await mark_ticket_spam(ctx.env, ctx.admin, ticket)
    statuses = {m: t.status for m, t in (await timers_of(ctx.env, ticket)).items()}
    assert statuses == {"FIRST_RESPONSE": "CANCELLED", "RESOLUTION": "CANCELLED"}
    assert await scan(ctx, clock.advance(hours=1)) == 0


async def test_queue_wait_runs_from_creation_to_the_call_and_resolution_to_served(ctx, clock):
    await create_policy(
        ctx.env,
        ctx.admin,
        PolicyInput(
            "queue", kinds=[TicketKind.QUEUE], max_wait_seconds=300, resolution_seconds=900
        ),
    )
    ticket = (
        await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id, first_name="Q")
    ).id
    timers = await timers_of(ctx.env, ticket)
    assert set(timers) == {"WAIT", "RESOLUTION"}  # no first response on a queue ticket
    assert timers["WAIT"].due_at == MONDAY_10 + timedelta(minutes=5)
    clock.advance(minutes=6)
    await call_ticket(ctx.env, ctx.admin, ticket, desk=1)
    timers = await timers_of(ctx.env, ticket)
    assert (timers["WAIT"].status, timers["RESOLUTION"].status) == ("BREACHED", "RUNNING")
    assert await sla_events(ctx.env, ticket) == [("SLA_BREACHED", "WAIT", 1)]
    clock.advance(minutes=3)
    await mark_ticket_served(ctx.env, ctx.admin, ticket)
    assert (await timers_of(ctx.env, ticket))["RESOLUTION"].status == "MET"


async def test_the_highest_priority_matching_policy_applies(ctx, clock):
    await create_policy(ctx.env, ctx.admin, PolicyInput("default", resolution_seconds=86400))
    await create_policy(
        ctx.env,
        ctx.admin,
        PolicyInput("vip", priority=10, resolution_seconds=3600, label_names=["vip"]),
    )
    await create_policy(
        ctx.env,
        ctx.admin,
        PolicyInput(
            "tier1 email",
            priority=5,
            resolution_seconds=7200,
            team_ids=[ctx.team.id],
            channels=["EMAIL"],
        ),
    )
    await create_policy(
        ctx.env,
        ctx.admin,
        PolicyInput("queue only", priority=50, kinds=[TicketKind.QUEUE], resolution_seconds=60),
    )
    cases = [
        ({"labels": ["vip"], "team_id": ctx.team.id, "channel": "email"}, 3600),
        ({"team_id": ctx.team.id, "channel": "email"}, 7200),
        ({"team_id": ctx.team.id, "channel": "chat"}, 86400),
        ({}, 86400),
    ]
    for kw, target in cases:
        ticket = await helpdesk(ctx, **kw)
        assert (await timers_of(ctx.env, ticket))["RESOLUTION"].target_seconds == target, kw


async def test_a_ticket_matching_no_policy_has_no_timers(ctx, clock):
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("queue", kinds=[TicketKind.QUEUE], max_wait_seconds=60)
    )
    ticket = await helpdesk(ctx)
    assert await timers_of(ctx.env, ticket) == {}
    assert await due_of(ctx.env, ticket) == NEVER_DUE


async def test_a_new_policy_leaves_running_timers_as_they_are(ctx, clock):
    await create_policy(ctx.env, ctx.admin, PolicyInput("old", resolution_seconds=3600))
    ticket = await helpdesk(ctx)
    await create_policy(ctx.env, ctx.admin, PolicyInput("new", priority=1, resolution_seconds=60))
    await add_ticket_message(
        ctx.env, ctx.admin, ticket, body="x", direction=MessageDirection.INCOMING
    )
    timer = (await timers_of(ctx.env, ticket))["RESOLUTION"]
    assert (timer.target_seconds, timer.due_at) == (3600, MONDAY_10 + H)
    newer = await helpdesk(ctx)
    assert (await timers_of(ctx.env, newer))["RESOLUTION"].target_seconds == 60


async def test_a_holiday_moves_the_due_time(ctx, clock):
    calendar = await office_hours(ctx, exceptions=[ExceptionInput(date(2026, 3, 24), closed=True)])
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("8h", calendar_id=calendar, resolution_seconds=8 * 3600)
    )
    ticket = await helpdesk(ctx)
    # Monday 10:00: 6h to Monday's close, Tuesday closed, 2h Wednesday: 11:00 Berlin (CET).
    assert (await timers_of(ctx.env, ticket))["RESOLUTION"].due_at == datetime(
        2026, 3, 25, 10, 0, tzinfo=UTC
    )


async def test_a_workspace_without_policies_writes_no_timers(ctx, clock):
    ticket = await helpdesk(ctx)
    assert await timers_of(ctx.env, ticket) == {}
