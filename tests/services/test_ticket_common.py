"""What both kinds share: labels, extra fields, messages, assignment, team; and setup rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.access.setup import create_line, create_team, create_user
from app.db import ExtraField, Label, Message
from app.domain.errors import DomainError, ErrorCode
from app.tickets.assignment import assign_ticket, set_ticket_team, unassign_ticket
from app.tickets.extras import ExtraValue, set_ticket_extra
from app.tickets.helpdesk import create_helpdesk_ticket
from app.tickets.labels import add_ticket_label, remove_ticket_label
from app.tickets.messages import add_ticket_message
from app.tickets.queue import create_queue_ticket
from tests.services.lifecycle_helpers import assert_refused, event_count, events_of, make_ctx

pytestmark = pytest.mark.anyio


async def test_labels_are_made_on_first_use_and_adding_twice_is_a_no_op(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    q = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    h = await create_helpdesk_ticket(ctx.env, ctx.admin, subject="Hi")
    await add_ticket_label(ctx.env, ctx.admin, q.id, name=" vip ", color="#FF0000")
    labelled = await add_ticket_label(ctx.env, ctx.admin, h.id, name="vip", color="#00ff00")
    events = await event_count(ctx)
    same = await add_ticket_label(ctx.env, ctx.admin, h.id, name="vip")
    assert same.version == labelled.version and await event_count(ctx) == events
    async with db.read_session() as session:
        stmt = select(Label.name, Label.color).where(Label.workspace_id == ctx.ws)
        assert (await session.execute(stmt)).all() == [("vip", "#FF0000")]
    removed = await remove_ticket_label(ctx.env, ctx.admin, h.id, name="vip")
    await remove_ticket_label(ctx.env, ctx.admin, h.id, name="vip")
    assert removed.version == labelled.version + 1
    assert [e[0] for e in await events_of(ctx, h.id)] == ["CREATED", "LABEL_ADDED", "LABEL_REMOVED"]
    await assert_refused(
        ctx, q.id, lambda: add_ticket_label(ctx.env, ctx.admin, q.id, name="x", color="red"),
        ErrorCode.VALIDATION,
    )  # fmt: skip


async def test_extra_fields_upsert_by_title(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    q = await create_queue_ticket(
        ctx.env, ctx.admin, line_id=ctx.line_a.id, extra=[ExtraValue("Insurance", "A1")]
    )
    await set_ticket_extra(ctx.env, ctx.admin, q.id, title="Insurance", value="B2")
    await set_ticket_extra(
        ctx.env, ctx.admin, q.id, title="Chart", value="42", url="https://emr.example/42"
    )
    events = await event_count(ctx)
    await set_ticket_extra(
        ctx.env, ctx.admin, q.id, title="Chart", value="42", url="https://emr.example/42"
    )
    assert await event_count(ctx) == events
    async with db.read_session() as session:
        stmt = select(ExtraField.position, ExtraField.title, ExtraField.value, ExtraField.url)
        rows = (
            await session.execute(
                stmt.where(ExtraField.ticket_id == q.id).order_by(ExtraField.position)
            )
        ).all()
    assert rows == [(0, "Insurance", "B2", None), (1, "Chart", "42", "https://emr.example/42")]
    assert [e[0] for e in await events_of(ctx, q.id)] == ["CREATED", "EXTRA_SET", "EXTRA_SET"]
    await assert_refused(
        ctx, q.id, lambda: set_ticket_extra(ctx.env, ctx.admin, q.id, title=" ", value="x"),
        ErrorCode.VALIDATION,
    )  # fmt: skip


async def test_messages_update_the_message_times(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    h = await create_helpdesk_ticket(ctx.env, ctx.admin, subject="Hi", channel="chat")
    incoming = await add_ticket_message(
        ctx.env, ctx.admin, h.id, body="Hello?", direction="INCOMING"
    )
    assert incoming.unread and incoming.last_received_message_at == incoming.last_message_at
    reply = await add_ticket_message(ctx.env, ctx.admin, h.id, body="Hi, how can I help?")
    assert reply.last_message_at > reply.last_received_message_at
    q = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    sms = await add_ticket_message(ctx.env, ctx.admin, q.id, body="You are next")
    assert sms.unread is False
    async with db.read_session() as session:
        stmt = select(Message.ticket_id, Message.direction, Message.channel, Message.author_id)
        rows = (
            await session.execute(stmt.where(Message.workspace_id == ctx.ws).order_by(Message.id))
        ).all()
    assert rows == [
        (h.id, "INCOMING", "chat", None),
        (h.id, "OUTGOING", "chat", ctx.admin.user_id),
        (q.id, "OUTGOING", "sms", ctx.admin.user_id),
    ]
    for bad in ({"body": " "}, {"body": "x", "direction": "SIDEWAYS"}):
        await assert_refused(
            ctx, h.id, lambda bad=bad: add_ticket_message(ctx.env, ctx.admin, h.id, **bad),
            ErrorCode.VALIDATION,
        )  # fmt: skip


async def test_assign_unassign_and_team(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    other = await make_ctx(db, make_workspace)
    q = await create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id)
    assigned = await assign_ticket(
        ctx.env, ctx.admin, q.id, assignee_id=ctx.clerk.id, user_id=ctx.other_clerk.id
    )
    assert (assigned.assignee_id, assigned.assigner_id, assigned.status) == (
        ctx.clerk.id, ctx.other_clerk.id, "NEW",
    )  # fmt: skip
    again = await assign_ticket(ctx.env, ctx.admin, q.id, assignee_id=ctx.clerk.id)
    assert again.version == assigned.version
    unassigned = await unassign_ticket(ctx.env, ctx.admin, q.id)
    assert (unassigned.assignee_id, unassigned.assigner_id) == (None, None)
    teamed = await set_ticket_team(ctx.env, ctx.admin, q.id, team_id=ctx.team.id)
    cleared = await set_ticket_team(ctx.env, ctx.admin, q.id, team_id=None)
    assert (teamed.team_id, cleared.team_id) == (ctx.team.id, None)
    assert [e[0] for e in await events_of(ctx, q.id)] == [
        "CREATED", "ASSIGNED", "UNASSIGNED", "TEAM_SET", "TEAM_SET",
    ]  # fmt: skip
    for call in (
        lambda: assign_ticket(ctx.env, ctx.admin, q.id, assignee_id=other.clerk.id),
        lambda: set_ticket_team(ctx.env, ctx.admin, q.id, team_id=other.team.id),
    ):
        await assert_refused(ctx, q.id, call, ErrorCode.NOT_FOUND)


async def test_setup_names_are_unique_per_workspace(db, make_workspace):
    ctx = await make_ctx(db, make_workspace)
    other = await make_ctx(db, make_workspace)
    for call in (
        lambda: create_line(ctx.env, ctx.admin, name="reception"),
        lambda: create_team(ctx.env, ctx.admin, name="TIER 1"),
        lambda: create_user(ctx.env, ctx.admin, name="Clone", email="CLARA@example.com"),
    ):
        with pytest.raises(DomainError) as info:
            await call()
        assert info.value.code == ErrorCode.CONFLICT
    line = await create_line(ctx.env, ctx.admin, name="Élan lab")
    assert line.prefix == "A"
    assert (await create_line(ctx.env, ctx.admin, name="lab")).prefix == "L"
    # Another workspace may reuse every name.
    assert (await create_line(other.env, other.admin, name="Élan lab")).workspace_id == other.ws
    for call, field in (
        (lambda: create_line(ctx.env, ctx.admin, name=" "), "name"),
        (lambda: create_line(ctx.env, ctx.admin, name="X", prefix="A-1"), "prefix"),
        (lambda: create_user(ctx.env, ctx.admin, name="Y", email="not-an-email"), "email"),
    ):
        with pytest.raises(DomainError) as info:
            await call()
        assert (info.value.code, info.value.field) == (ErrorCode.VALIDATION, field)
