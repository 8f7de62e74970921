"""What keeping SLA timers costs a write, in SQL statements: nothing in a workspace without
policies, a handful with them (the timers are read, matched, written, the due time kept)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from app.db.engine import StatementCounter, statement_counter
from app.domain.enums import MessageDirection
from app.sla.setup import PolicyInput, create_policy
from app.tickets.helpdesk import complete_ticket, create_helpdesk_ticket
from app.tickets.messages import add_ticket_message
from tests.services.lifecycle_helpers import make_ctx

pytestmark = pytest.mark.anyio


async def counted(call: Callable[[], Awaitable[Any]]) -> tuple[Any, int]:
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        return await call(), counter.count
    finally:
        statement_counter.reset(token)


async def _writes(ctx) -> dict[str, int]:  # type: ignore[no-untyped-def]
    env, me = ctx.env, ctx.admin
    ticket, create = await counted(lambda: create_helpdesk_ticket(env, me, subject="s", body="b"))
    _, reply = await counted(
        lambda: add_ticket_message(
            env, me, ticket.id, body="r", direction=MessageDirection.OUTGOING
        )
    )
    _, note = await counted(lambda: add_ticket_message(env, me, ticket.id, body="n"))
    _, close = await counted(lambda: complete_ticket(env, me, ticket.id))
    return {"create": create, "reply": reply, "incoming": note, "complete": close}


async def test_sla_bookkeeping_costs_no_statement_without_policies_and_few_with(db, make_workspace):
    plain = await _writes(await make_ctx(db, make_workspace))
    ctx = await make_ctx(db, make_workspace)
    await create_policy(
        ctx.env, ctx.admin, PolicyInput("p", first_response_seconds=3600, resolution_seconds=86400)
    )
    with_sla = await _writes(ctx)
    extra = {name: with_sla[name] - plain[name] for name in plain}
    # create: policies, labels, first replies, the two timers, the due time (and a flush);
    # later: the timers, first replies while one is running, a changed timer, the due time.
    # The two timers are one INSERT on PostgreSQL, two on SQLite.
    timers = 1 if db.dialect == "postgresql" else 2
    expected = {"create": 4 + timers, "reply": 4, "incoming": 1, "complete": 3}
    assert extra == expected, (plain, with_sla)
