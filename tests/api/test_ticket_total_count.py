"""totalCount: kept counters for kind/state/status/origin filters, a bounded count for others."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from app.db import Ticket, TicketCount
from app.loaders.tickets import count as ticket_count
from schema.ids import encode_id

pytestmark = pytest.mark.anyio

COUNT = """
query ($filter: TicketFilter) {
  tickets(first: 1, filter: $filter) { totalCount totalCountIsExact }
}
"""


async def _count(gql, key, filter_):  # type: ignore[no-untyped-def]
    result = await gql(COUNT, {"filter": filter_}, key=key)
    assert "errors" not in result, result
    tickets = result["data"]["tickets"]
    return tickets["totalCount"], tickets["totalCountIsExact"]


async def _counters_and_table(db, workspace_id):  # type: ignore[no-untyped-def]
    t, c = Ticket, TicketCount
    removed = (t.spam == True) | (t.trashed_at.is_not(None))  # noqa: E712 (SQL, not Python)
    async with db.read_session() as session:
        table = await session.execute(
            select(t.kind, t.status, t.state, t.origin_system, removed, func.count())
            .where(t.workspace_id == workspace_id)
            .group_by(t.kind, t.status, t.state, t.origin_system, removed)
        )
        kept = await session.execute(
            select(c.kind, c.status, c.state, c.origin_system, c.removed, c.tickets).where(
                c.workspace_id == workspace_id, c.tickets != 0
            )
        )
        return sorted(map(tuple, kept)), sorted((*r[:4], bool(r[4]), r[5]) for r in table)


MUTATE = "mutation ($id: ID!) { %s(input: {id: $id}) { errors { code } } }"


async def test_counters_follow_every_write(gql, key, factory, db, workspace):
    # given: tickets written directly and through the mutations that change counted columns
    line = await factory.line()
    queue = [await factory.queue_ticket(line) for _ in range(3)]
    desk = [await factory.helpdesk_ticket(origin_system="GORGIAS") for _ in range(3)]
    doomed = await factory.helpdesk_ticket()
    for name, ticket in [("callTicket", queue[0]), ("cancelTicket", queue[1]),
                         ("markTicketSpam", desk[0]), ("trashTicket", desk[1]),
                         ("completeTicket", desk[2]), ("restoreTicket", desk[1])]:  # fmt: skip
        variables = {"id": encode_id("Ticket", ticket.id)}
        if name == "callTicket":
            call = (
                "mutation ($id: ID!) { callTicket(input: {id: $id, desk: 1}) { errors { code } } }"
            )
            result = await gql(call, variables, key=key)
        else:
            result = await gql(MUTATE % name, variables, key=key)
        assert result["data"][name]["errors"] == [], (name, result)
    async with db.transaction() as session:
        served = {"status": "SERVED", "state": "RESOLVED"}
        await session.execute(update(Ticket).where(Ticket.id == queue[2].id).values(**served))
        await session.execute(delete(Ticket).where(Ticket.id == doomed.id))

    # then: the counters say what the table says
    kept, table = await _counters_and_table(db, workspace.workspace.id)
    assert kept == table
    assert await _count(gql, key, None) == (5, True)  # the spam one is hidden
    assert await _count(gql, key, {"includeRemoved": True}) == (6, True)
    assert await _count(gql, key, {"states": ["IN_PROGRESS", "RESOLVED"]}) == (3, True)
    assert await _count(gql, key, {"kinds": ["HELPDESK"], "origins": ["GORGIAS"]}) == (2, True)
    assert await _count(gql, key, {"queueStatuses": ["CANCELLED_BY_CLERK"],
                                   "helpdeskStatuses": ["OPEN"]}) == (2, True)  # fmt: skip


async def test_other_filters_count_up_to_the_limit(gql, key, factory, monkeypatch):
    # given: three tickets, and a limit of two for counts that read tickets
    monkeypatch.setattr(ticket_count, "EXACT_COUNT_LIMIT", 2)
    line, vip = await factory.line(), await factory.label("vip")
    for name in ("Ann Lee", "Bob Lee", "Cy Lee"):
        ticket = await factory.queue_ticket(line, title=name)
        if name != "Cy Lee":
            await factory.tag(ticket, vip)

    # then: above the limit the count is the limit and says so; at or under it, exact
    assert await _count(gql, key, {"search": " lee"}) == (2, False)
    assert await _count(gql, key, {"labelNames": ["vip"]}) == (2, True)
    assert await _count(gql, key, {"search": "bob lee"}) == (1, True)
    assert await _count(gql, key, {"kinds": ["QUEUE"]}) == (3, True)  # kept counts: no limit
