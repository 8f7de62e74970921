"""The queue lifecycle: every action from every status, legal ones with their event, illegal
ones refused with nothing changed."""

from __future__ import annotations

import pytest

from app.domain.enums import QueuePosition, QueueStatus
from app.domain.errors import ErrorCode
from app.tickets.helpdesk import create_helpdesk_ticket
from app.tickets.queue import (
    cancel_ticket,
    create_queue_ticket,
    move_ticket,
    reorder_ticket,
    update_ticket,
)
from app.tickets.queue_desk import (
    call_ticket,
    mark_ticket_no_show,
    mark_ticket_served,
    recall_ticket,
    return_ticket_to_queue,
)
from tests.services.lifecycle_helpers import (
    Ctx,
    assert_refused,
    events_of,
    fetch_ticket,
    interactions_of,
    make_ctx,
)

pytestmark = pytest.mark.anyio
INVALID = ErrorCode.INVALID_TRANSITION


async def ticket_in(ctx: Ctx, status: QueueStatus) -> int:
    """A fresh ticket of line A brought to `status` through the commands."""
    ticket = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id, first_name="Ann")
    tid = ticket.id
    if status == QueueStatus.NEW:
        return tid
    if status == QueueStatus.CANCELLED_BY_CLERK:
        await cancel_ticket(ctx.env, ctx.admin, tid)
        return tid
    await call_ticket(ctx.env, ctx.admin, tid, desk=1, keep_previous=True)
    if status == QueueStatus.SERVED:
        await mark_ticket_served(ctx.env, ctx.admin, tid)
    elif status == QueueStatus.NOSHOW:
        await mark_ticket_no_show(ctx.env, ctx.admin, tid)
    return tid


def actions(ctx: Ctx):  # type: ignore[no-untyped-def]
    """action -> (command, event type, resulting status or None for 'unchanged')."""
    env, p = ctx.env, ctx.admin
    return {
        "call": (lambda t: call_ticket(env, p, t, desk=2, keep_previous=True), "CALLED", "CALLED"),
        "recall": (lambda t: recall_ticket(env, p, t), "RECALLED", None),
        "mark served": (lambda t: mark_ticket_served(env, p, t), "SERVED", "SERVED"),
        "mark no-show": (lambda t: mark_ticket_no_show(env, p, t), "NO_SHOW", "NOSHOW"),
        "return to queue": (
            lambda t: return_ticket_to_queue(env, p, t, position=QueuePosition.LAST),
            "RETURNED_TO_QUEUE",
            "NEW",
        ),
        "cancel": (lambda t: cancel_ticket(env, p, t), "CANCELLED", "CANCELLED_BY_CLERK"),
        "move": (lambda t: move_ticket(env, p, t, line_id=ctx.line_b.id), "MOVED", "NEW"),
        "reorder": (
            lambda t: reorder_ticket(env, p, t, position=QueuePosition.FIRST),
            "REORDERED",
            None,
        ),
        "update": (lambda t: update_ticket(env, p, t, last_name="Lee"), "UPDATED", None),
    }


LEGAL = {
    QueueStatus.NEW: {"call", "cancel", "move", "reorder", "update"},
    QueueStatus.CALLED: {
        "recall",
        "mark served",
        "mark no-show",
        "return to queue",
        "move",
        "update",
    },
    QueueStatus.SERVED: set(),
    QueueStatus.NOSHOW: set(),
    QueueStatus.CANCELLED_BY_CLERK: set(),
}
STATE = {"NEW": "OPEN", "CALLED": "IN_PROGRESS", "SERVED": "RESOLVED", "NOSHOW": "CANCELLED",
         "CANCELLED_BY_CLERK": "CANCELLED"}  # fmt: skip


@pytest.mark.parametrize("status", list(QueueStatus))
async def test_every_action_from_every_status(db, make_workspace, status):
    ctx = await make_ctx(db, make_workspace)
    for action, (run, event_type, to_status) in actions(ctx).items():
        tid = await ticket_in(ctx, status)
        if action not in LEGAL[status]:
            await assert_refused(ctx, tid, lambda run=run, tid=tid: run(tid), INVALID)
            continue
        before = await fetch_ticket(ctx, tid)
        result = await run(tid)
        expected = to_status or status.value
        assert (result.status, result.state) == (expected, STATE[expected]), action
        last = (await events_of(ctx, tid))[-1]
        assert last == (event_type, STATE[status], STATE[expected], status.value, expected)
        stored = await fetch_ticket(ctx, tid)
        assert stored.status == expected
        # A recall notifies again; it is the one event that leaves the row as it was.
        assert stored.version == before.version + (0 if action == "recall" else 1)


async def test_full_visit_history_and_interaction(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    clerk = ctx.as_user(ctx.clerk)
    t = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id, first_name="Ann")
    await call_ticket(ctx.env, clerk, t.id, desk=4)
    await return_ticket_to_queue(ctx.env, clerk, t.id, position=QueuePosition.FIRST)
    await call_ticket(ctx.env, clerk, t.id, desk=5)
    done = await mark_ticket_served(ctx.env, clerk, t.id)
    assert await events_of(ctx, t.id) == [
        ("CREATED", None, "OPEN", None, "NEW"),
        ("CALLED", "OPEN", "IN_PROGRESS", "NEW", "CALLED"),
        ("RETURNED_TO_QUEUE", "IN_PROGRESS", "OPEN", "CALLED", "NEW"),
        ("CALLED", "OPEN", "IN_PROGRESS", "NEW", "CALLED"),
        ("SERVED", "IN_PROGRESS", "RESOLVED", "CALLED", "SERVED"),
    ]
    assert done.served_at is not None and done.closed_at == done.served_at
    assert done.called_by_id == ctx.clerk.id and done.desk == 5
    visits = await interactions_of(ctx, t.id)
    assert [(i.desk, i.user_id, i.line_id, i.end is not None) for i in visits] == [
        (4, ctx.clerk.id, ctx.line_a.id, True),
        (5, ctx.clerk.id, ctx.line_a.id, True),
    ]


async def test_move_closes_the_interaction_and_goes_last_in_the_other_line(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    waiting = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_b.id)
    t = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    await call_ticket(ctx.env, ctx.admin, t.id, desk=1)
    moved = await move_ticket(ctx.env, ctx.admin, t.id, line_id=ctx.line_b.id)
    assert (moved.status, moved.line_id, moved.desk, moved.called_by_id) == (
        "NEW", ctx.line_b.id, None, None,
    )  # fmt: skip
    assert moved.queue_key > waiting.queue_key
    assert all(i.end is not None for i in await interactions_of(ctx, t.id))
    await assert_refused(
        ctx, t.id, lambda: move_ticket(ctx.env, ctx.admin, t.id, line_id=ctx.line_b.id),
        ErrorCode.VALIDATION,
    )  # fmt: skip


async def test_public_ids_count_per_line(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    made = [
        await create_queue_ticket(ctx.env, ctx.admin, line_id=line.id)
        for line in (ctx.line_a, ctx.line_a, ctx.line_b, ctx.line_a)
    ]
    assert [(t.number, t.public_id) for t in made] == [
        (1, "A-1"),
        (2, "A-2"),
        (1, "P-1"),
        (3, "A-3"),
    ]
    assert made[0].title == "A-1"
    named = await create_queue_ticket(
        ctx.env, ctx.admin, line_id=ctx.line_b.id, first_name="Ann", last_name="Lee",
        labels=["vip", "vip"],
    )  # fmt: skip
    assert (named.title, named.public_id, named.queue_key) == ("Ann Lee", "P-2", named.created_at)
    assert (await events_of(ctx, named.id)) == [("CREATED", None, "OPEN", None, "NEW")]


async def test_queue_actions_refuse_helpdesk_tickets(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    h = await create_helpdesk_ticket(ctx.env, ctx.admin, subject="Hello")
    for run, _, _ in actions(ctx).values():
        await assert_refused(ctx, h.id, lambda run=run: run(h.id), INVALID)


async def test_expected_version_conflict(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    t = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    await assert_refused(
        ctx, t.id, lambda: call_ticket(ctx.env, ctx.admin, t.id, expected_version=2),
        ErrorCode.CONFLICT,
    )  # fmt: skip
    called = await call_ticket(ctx.env, ctx.admin, t.id, expected_version=1)
    assert called.version == 2


async def test_ids_of_another_workspace_are_not_found(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    other = await make_ctx(db, make_workspace)
    theirs = await create_queue_ticket(other.env, other.admin, line_id=other.line_a.id)
    mine = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    not_found = ErrorCode.NOT_FOUND
    await assert_refused(
        other, theirs.id, lambda: call_ticket(ctx.env, ctx.admin, theirs.id), not_found
    )
    await assert_refused(
        ctx, mine.id, lambda: move_ticket(ctx.env, ctx.admin, mine.id, line_id=other.line_b.id),
        not_found,
    )  # fmt: skip
    await assert_refused(
        ctx, mine.id, lambda: call_ticket(ctx.env, ctx.admin, mine.id, user_id=other.clerk.id),
        not_found,
    )  # fmt: skip
    await assert_refused(
        ctx, mine.id,
        lambda: reorder_ticket(ctx.env, ctx.admin, mine.id, after_id=theirs.id), not_found,
    )  # fmt: skip
    with pytest.raises(Exception) as info:
        await create_queue_ticket(ctx.env, ctx.admin, line_id=other.line_a.id)
    assert info.value.code == not_found and info.value.field == "lineId"
