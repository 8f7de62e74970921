"""Calling the next visitor: line order, reordering, returns, the keep-previous rule, and two
desks never getting the same ticket."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import Ticket, TicketEvent
from app.domain.enums import QueuePosition
from app.domain.errors import DomainError, ErrorCode
from app.domain.queue_order import TICK
from app.tickets.queue import create_queue_ticket, reorder_ticket
from app.tickets.queue_desk import call_next_ticket, call_ticket, return_ticket_to_queue
from tests.services.lifecycle_helpers import Ctx, event_count, fetch_ticket, make_ctx

pytestmark = pytest.mark.anyio
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


async def line_of(ctx: Ctx, count: int, line_id: int | None = None) -> list[int]:
    line = line_id or ctx.line_a.id
    return [(await create_queue_ticket(ctx.env, ctx.admin, line_id=line)).id for _ in range(count)]


async def call_order(ctx: Ctx, line_ids: list[int]) -> list[int]:
    called = []
    while t := await call_next_ticket(ctx.env, ctx.admin, line_ids=line_ids, keep_previous=True):
        called.append(t.id)
    return called


async def test_call_next_follows_creation_order_across_lines(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    a1, b1, a2 = (
        *await line_of(ctx, 1), *await line_of(ctx, 1, ctx.line_b.id), *await line_of(ctx, 1),
    )  # fmt: skip
    assert await call_order(ctx, [ctx.line_a.id, ctx.line_b.id]) == [a1, b1, a2]


async def test_call_next_on_empty_lines_returns_none_and_writes_nothing(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    events = await event_count(ctx)
    assert await call_next_ticket(ctx.env, ctx.admin, line_ids=[ctx.line_a.id]) is None
    assert await event_count(ctx) == events
    with pytest.raises(DomainError) as info:
        await call_next_ticket(ctx.env, ctx.admin, line_ids=[])
    assert info.value.code == ErrorCode.VALIDATION


async def test_reorder_after_and_first_change_the_call_order(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    t1, t2, t3, t4 = await line_of(ctx, 4)
    await reorder_ticket(ctx.env, ctx.admin, t4, after_id=t1)
    await reorder_ticket(ctx.env, ctx.admin, t3, position=QueuePosition.FIRST)
    stored = await fetch_ticket(ctx, t3)
    assert stored.order_after == stored.queue_key
    assert await call_order(ctx, [ctx.line_a.id]) == [t3, t1, t4, t2]


async def test_reorder_refusals(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    t1, t2 = await line_of(ctx, 2)
    (b1,) = await line_of(ctx, 1, ctx.line_b.id)
    for kwargs in ({"after_id": t1, "position": QueuePosition.FIRST}, {}, {"after_id": t2},
                   {"after_id": b1}):  # fmt: skip
        with pytest.raises(DomainError) as info:
            await reorder_ticket(ctx.env, ctx.admin, t2, **kwargs)
        assert info.value.code == ErrorCode.VALIDATION
    await call_ticket(ctx.env, ctx.admin, t1)
    with pytest.raises(DomainError) as info:
        await reorder_ticket(ctx.env, ctx.admin, t2, after_id=t1)
    assert (info.value.code, info.value.field) == (ErrorCode.VALIDATION, "afterId")


async def test_reorder_between_touching_neighbours_respaces_the_tail(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    t1, t2, t3, t4 = await line_of(ctx, 4)
    # Keys one microsecond apart: no room between t1 and t2 for t4.
    async with db.transaction() as session:
        for i, tid in enumerate((t1, t2, t3, t4)):
            ticket = await session.get(Ticket, tid)
            ticket.queue_key = T0 + i * TICK
    await reorder_ticket(ctx.env, ctx.admin, t4, after_id=t1)
    keys = [(await fetch_ticket(ctx, t)).queue_key for t in (t1, t4, t2, t3)]
    assert keys == [T0, T0 + TICK, T0 + 2 * TICK, T0 + 3 * TICK]
    assert await call_order(ctx, [ctx.line_a.id]) == [t1, t4, t2, t3]


async def test_return_first_goes_before_every_waiting_ticket(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    t1, t2, t3 = await line_of(ctx, 3)
    await call_ticket(ctx.env, ctx.admin, t2, keep_previous=True)
    await call_ticket(ctx.env, ctx.admin, t3, keep_previous=True)
    await return_ticket_to_queue(ctx.env, ctx.admin, t3, position=QueuePosition.LAST)
    await return_ticket_to_queue(ctx.env, ctx.admin, t2, position=QueuePosition.FIRST)
    (t4,) = await line_of(ctx, 1)
    assert await call_order(ctx, [ctx.line_a.id]) == [t2, t1, t3, t4]


async def test_calling_again_serves_the_callers_previous_ticket_unless_kept(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    clara, otto = ctx.as_user(ctx.clerk), ctx.as_user(ctx.other_clerk)
    t1, t2, t3, t4 = await line_of(ctx, 4)
    await call_ticket(ctx.env, clara, t1, desk=1)
    await call_ticket(ctx.env, otto, t2, desk=2)
    await call_ticket(ctx.env, clara, t3, desk=1)
    assert [(await fetch_ticket(ctx, t)).status for t in (t1, t2, t3)] == [
        "SERVED", "CALLED", "CALLED",
    ]  # fmt: skip
    await call_ticket(ctx.env, clara, t4, desk=1, keep_previous=True)
    assert (await fetch_ticket(ctx, t3)).status == "CALLED"
    async with db.read_session() as session:
        stmt = select(TicketEvent.type, TicketEvent.actor_id).where(TicketEvent.ticket_id == t1)
        assert (await session.execute(stmt.order_by(TicketEvent.seq))).all() == [
            ("CREATED", ctx.admin.user_id), ("CALLED", ctx.clerk.id), ("SERVED", ctx.clerk.id),
        ]  # fmt: skip


async def test_call_next_as_a_named_user(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    (t1,) = await line_of(ctx, 1)
    called = await call_next_ticket(
        ctx.env, ctx.admin, line_ids=[ctx.line_a.id], desk=7, user_id=ctx.clerk.id
    )
    assert called is not None and (called.id, called.called_by_id, called.desk) == (
        t1, ctx.clerk.id, 7,
    )  # fmt: skip
    with pytest.raises(DomainError) as info:
        await call_next_ticket(ctx.env, ctx.admin, line_ids=[ctx.line_a.id], desk=0)
    assert (info.value.code, info.value.field) == (ErrorCode.VALIDATION, "desk")


async def test_concurrent_call_next_never_hands_out_a_ticket_twice(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    waiting = await line_of(ctx, 30)
    users = [ctx.clerk.id, ctx.other_clerk.id]
    calls = [
        call_next_ticket(
            ctx.env, ctx.admin, line_ids=[ctx.line_a.id], desk=i % 9 + 1,
            user_id=users[i % 2], keep_previous=True,
        )
        for i in range(50)
    ]  # fmt: skip
    results = await asyncio.gather(*calls)
    called = [t.id for t in results if t is not None]
    assert sorted(called) == sorted(waiting)
    assert sum(t is None for t in results) == 20
    async with db.read_session() as session:
        stmt = select(TicketEvent.ticket_id).where(
            TicketEvent.workspace_id == ctx.ws, TicketEvent.type == "CALLED"
        )
        assert sorted((await session.execute(stmt)).scalars()) == sorted(waiting)
