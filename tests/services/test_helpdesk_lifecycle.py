"""The helpdesk lifecycle: every action from every status, the spam / trash flags, creation
variants, and snooze wake-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import Contact, Message, TicketEvent
from app.db.types import utcnow
from app.domain.enums import Circumstance, HelpdeskStatus
from app.domain.errors import DomainError, ErrorCode
from app.tickets.helpdesk import (
    complete_ticket,
    create_helpdesk_ticket,
    reopen_ticket,
    snooze_ticket,
    take_over_ticket,
    wake_due_tickets,
)
from app.tickets.helpdesk_flags import (
    mark_ticket_read,
    mark_ticket_spam,
    restore_ticket,
    trash_ticket,
)
from app.tickets.queue import create_queue_ticket
from tests.services.lifecycle_helpers import (
    Ctx,
    assert_refused,
    event_count,
    events_of,
    fetch_ticket,
    interactions_of,
    make_ctx,
)

pytestmark = pytest.mark.anyio
INVALID = ErrorCode.INVALID_TRANSITION
STATE = {"OPEN": "OPEN", "ONGOING": "IN_PROGRESS", "SNOOZED": "PENDING", "CLOSED": "RESOLVED"}


def later(hours: int = 2):  # type: ignore[no-untyped-def]
    return utcnow() + timedelta(hours=hours)


async def ticket_in(ctx: Ctx, status: HelpdeskStatus) -> int:
    t = await create_helpdesk_ticket(
        ctx.env, ctx.admin, subject="Where is my order?", body="Hi", email="ann@example.com"
    )
    if status in (HelpdeskStatus.ONGOING, HelpdeskStatus.SNOOZED):
        await take_over_ticket(ctx.env, ctx.admin, t.id, assignee_id=ctx.clerk.id)
    if status == HelpdeskStatus.SNOOZED:
        await snooze_ticket(ctx.env, ctx.admin, t.id, until=later())
    if status == HelpdeskStatus.CLOSED:
        await complete_ticket(ctx.env, ctx.admin, t.id)
    return t.id


def actions(ctx: Ctx):  # type: ignore[no-untyped-def]
    env, p = ctx.env, ctx.admin
    return {
        "take over": (
            lambda t: take_over_ticket(env, p, t, assignee_id=ctx.clerk.id),
            "TAKEN_OVER",
            "ONGOING",
        ),
        "complete": (lambda t: complete_ticket(env, p, t), "COMPLETED", "CLOSED"),
        "reopen": (lambda t: reopen_ticket(env, p, t), "REOPENED", "OPEN"),
        "snooze": (lambda t: snooze_ticket(env, p, t, until=later()), "SNOOZED", "SNOOZED"),
    }  # fmt: skip


LEGAL = {
    HelpdeskStatus.OPEN: {"take over", "complete", "snooze"},
    HelpdeskStatus.ONGOING: {"complete", "snooze"},
    HelpdeskStatus.SNOOZED: {"complete"},
    HelpdeskStatus.CLOSED: {"reopen"},
}


@pytest.mark.parametrize("status", list(HelpdeskStatus))
async def test_every_action_from_every_status(db, make_workspace, status):
    ctx = await make_ctx(db, make_workspace)
    for action, (run, event_type, to_status) in actions(ctx).items():
        tid = await ticket_in(ctx, status)
        if action not in LEGAL[status]:
            await assert_refused(ctx, tid, lambda run=run, tid=tid: run(tid), INVALID)
            continue
        before = await fetch_ticket(ctx, tid)
        result = await run(tid)
        assert (result.status, result.state, result.version) == (
            to_status, STATE[to_status], before.version + 1,
        )  # fmt: skip
        last = (await events_of(ctx, tid))[-1]
        assert last == (event_type, STATE[status], STATE[to_status], status.value, to_status)


@pytest.mark.parametrize("status", list(HelpdeskStatus))
async def test_spam_and_trash_cancel_while_set_and_freeze_the_lifecycle(db, make_workspace, status):
    ctx = await make_ctx(db, make_workspace)
    tid = await ticket_in(ctx, status)
    spam = await mark_ticket_spam(ctx.env, ctx.admin, tid)
    assert (spam.status, spam.state, spam.spam) == (status, "CANCELLED", True)
    trashed = await trash_ticket(ctx.env, ctx.admin, tid)
    assert trashed.trashed_at is not None and trashed.state == "CANCELLED"
    for run, _, _ in actions(ctx).values():
        await assert_refused(ctx, tid, lambda run=run: run(tid), INVALID)
    # Setting a flag already set is a no-op: same version, no event.
    events = await event_count(ctx)
    again = await mark_ticket_spam(ctx.env, ctx.admin, tid)
    assert again.version == trashed.version and await event_count(ctx) == events
    restored = await restore_ticket(ctx.env, ctx.admin, tid)
    assert (restored.status, restored.state, restored.spam, restored.trashed_at) == (
        status, STATE[status], False, None,
    )  # fmt: skip
    assert [e[0] for e in await events_of(ctx, tid)][-3:] == ["MARKED_SPAM", "TRASHED", "RESTORED"]
    assert (await events_of(ctx, tid))[-1][1:3] == ("CANCELLED", STATE[status])


async def test_create_handover_with_contact_message_team_and_labels(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    t = await create_helpdesk_ticket(
        ctx.env, ctx.admin, subject="Refund", channel="email", body="Please refund",
        first_name="Ann", last_name="Lee", email="ann@example.com", team_id=ctx.team.id,
        labels=["billing"],
    )  # fmt: skip
    assert (t.status, t.state, t.circumstance, t.title, t.unread, t.team_id) == (
        "OPEN", "OPEN", "HANDOVER", "Refund", True, ctx.team.id,
    )  # fmt: skip
    assert t.last_message_at == t.last_received_message_at == t.created_at
    again = await create_helpdesk_ticket(
        ctx.env, ctx.admin, subject="More", email="ann@example.com"
    )
    assert again.contact_id == t.contact_id
    async with db.read_session() as session:
        contact = await session.get(Contact, t.contact_id)
        messages = (
            (await session.execute(select(Message).where(Message.ticket_id == t.id)))
            .scalars()
            .all()
        )
    assert (contact.name, contact.email) == ("Ann Lee", "ann@example.com")
    assert [(m.body, m.direction, m.channel) for m in messages] == [
        ("Please refund", "INCOMING", "email")
    ]
    read = await mark_ticket_read(ctx.env, ctx.admin, t.id)
    assert read.unread is False and read.last_viewed_at is not None


async def test_create_takeover_is_ongoing_and_needs_an_assignee(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    events = await event_count(ctx)
    with pytest.raises(DomainError) as info:
        await create_helpdesk_ticket(ctx.env, ctx.admin, circumstance=Circumstance.TAKEOVER)
    assert (info.value.code, info.value.field) == (ErrorCode.VALIDATION, "assigneeId")
    assert await event_count(ctx) == events
    t = await create_helpdesk_ticket(
        ctx.env, ctx.admin, subject="Chat", circumstance=Circumstance.TAKEOVER,
        assignee_id=ctx.clerk.id,
    )  # fmt: skip
    assert (t.status, t.state, t.assignee_id) == ("ONGOING", "IN_PROGRESS", ctx.clerk.id)
    assert t.ongoing_at is not None
    assert [(i.user_id, i.end) for i in await interactions_of(ctx, t.id)] == [(ctx.clerk.id, None)]
    done = await complete_ticket(ctx.env, ctx.admin, t.id, user_id=ctx.clerk.id)
    assert done.closed_at is not None
    assert all(i.end is not None for i in await interactions_of(ctx, t.id))


async def test_snooze_needs_a_future_time(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    tid = await ticket_in(ctx, HelpdeskStatus.OPEN)
    await assert_refused(
        ctx, tid, lambda: snooze_ticket(ctx.env, ctx.admin, tid, until=later(-1)),
        ErrorCode.VALIDATION,
    )  # fmt: skip


async def test_helpdesk_actions_refuse_queue_tickets(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    q = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    for run, _, _ in actions(ctx).values():
        await assert_refused(ctx, q.id, lambda run=run: run(q.id), INVALID)
    for flag in (mark_ticket_spam, trash_ticket, restore_ticket, mark_ticket_read):
        await assert_refused(ctx, q.id, lambda flag=flag: flag(ctx.env, ctx.admin, q.id), INVALID)


async def test_due_snoozed_tickets_wake_up_open_with_an_event(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    other = await make_ctx(db, make_workspace)
    soon = await ticket_in(ctx, HelpdeskStatus.SNOOZED)
    theirs = await ticket_in(other, HelpdeskStatus.SNOOZED)
    await snooze_ticket(
        ctx.env, ctx.admin, (await ticket_in(ctx, HelpdeskStatus.OPEN)), until=later(48)
    )
    woken = await wake_due_tickets(ctx.env, now=later(3))
    assert woken >= 2  # other tests' snoozed tickets may be due as well
    for c, tid in ((ctx, soon), (other, theirs)):
        t = await fetch_ticket(c, tid)
        assert (t.status, t.state, t.snooze_until) == ("OPEN", "OPEN", None)
        assert (await events_of(c, tid))[-1] == ("WOKEN", "PENDING", "OPEN", "SNOOZED", "OPEN")
    async with db.read_session() as session:
        actor = (
            await session.execute(
                select(TicketEvent.actor_id).where(
                    TicketEvent.ticket_id == soon, TicketEvent.type == "WOKEN"
                )
            )
        ).scalar_one()
    assert actor is None
    assert await wake_due_tickets(ctx.env, now=later(3)) == 0
