"""Query.ticketEvents and Ticket.history: log order, cursors, filters, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.db import Workspace
from app.domain.cursors import encode_event_cursor
from schema.ids import encode_id

pytestmark = pytest.mark.anyio

EVENTS = """
query ($after: String, $filter: TicketEventFilter, $first: Int) {
  ticketEvents(after: $after, filter: $filter, first: $first) {
    edges { cursor node { type cursor ticket { title } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

HISTORY = """
query ($id: ID!, $after: String) {
  ticket(id: $id) { history(first: 1, after: $after) {
    nodes { type } pageInfo { hasNextPage endCursor } } }
}
"""


async def test_events_in_log_order_with_cursors(gql, key, factory):
    # given
    line = await factory.line()
    queue = await factory.queue_ticket(line, title="q")
    helpdesk = await factory.helpdesk_ticket(title="h")
    await factory.events(queue, "CREATED")
    await factory.events(helpdesk, "CREATED", "ASSIGNED")

    # when
    first = await gql(EVENTS, {"first": 2}, key=key)
    rest = await gql(
        EVENTS, {"after": first["data"]["ticketEvents"]["pageInfo"]["endCursor"]}, key=key
    )

    # then
    c1, c2, c3 = (encode_event_cursor(seq) for seq in (1, 2, 3))

    def edge(cursor, type_, title):
        return {
            "cursor": cursor,
            "node": {"type": type_, "cursor": cursor, "ticket": {"title": title}},
        }

    assert first == {
        "data": {
            "ticketEvents": {
                "edges": [
                    edge(c1, "CREATED", "q"),
                    edge(c2, "CREATED", "h"),
                ],
                "pageInfo": {"hasNextPage": True, "endCursor": c2},
            }
        }
    }  # fmt: skip
    assert rest == {
        "data": {
            "ticketEvents": {
                "edges": [
                    edge(c3, "ASSIGNED", "h"),
                ],
                "pageInfo": {"hasNextPage": False, "endCursor": c3},
            }
        }
    }  # fmt: skip


async def test_event_filters(gql, key, factory):
    line = await factory.line()
    queue = await factory.queue_ticket(line, title="q")
    helpdesk = await factory.helpdesk_ticket(title="h")
    await factory.events(queue, "CREATED")
    await factory.events(helpdesk, "CREATED", "ASSIGNED")
    cases = [
        ({"kinds": ["HELPDESK"]}, ["h", "h"]),
        ({"ticketIds": [encode_id("Ticket", queue.id)]}, ["q"]),
        ({"lineIds": [encode_id("Line", line.id)]}, ["q"]),
        ({"types": ["ASSIGNED"]}, ["h"]),
        ({"states": ["OPEN"]}, ["q", "h", "h"]),
    ]
    for filter_, titles in cases:
        result = await gql(EVENTS, {"filter": filter_}, key=key)
        assert [
            e["node"]["ticket"]["title"] for e in result["data"]["ticketEvents"]["edges"]
        ] == titles


async def test_history_pages(gql, key, factory):
    ticket = await factory.helpdesk_ticket()
    await factory.events(ticket, "CREATED", "ASSIGNED")
    gid = encode_id("Ticket", ticket.id)
    first = await gql(HISTORY, {"id": gid}, key=key)
    after = first["data"]["ticket"]["history"]["pageInfo"]["endCursor"]
    rest = await gql(HISTORY, {"id": gid, "after": after}, key=key)
    assert first["data"]["ticket"]["history"] == {
        "nodes": [{"type": "CREATED"}],
        "pageInfo": {"hasNextPage": True, "endCursor": encode_event_cursor(1)},
    }
    assert rest["data"]["ticket"]["history"] == {
        "nodes": [{"type": "ASSIGNED"}],
        "pageInfo": {"hasNextPage": False, "endCursor": encode_event_cursor(2)},
    }


async def test_bad_and_expired_cursors(gql, key, db, workspace):
    # given: the log was pruned through seq 5
    async with db.transaction() as session:
        await session.execute(
            update(Workspace)
            .where(Workspace.id == workspace.workspace.id)
            .values(events_pruned_through=5, event_seq=5)
        )
    cases = [
        ({"after": "junk"}, "BAD_USER_INPUT"),
        ({"after": encode_event_cursor(2)}, "CURSOR_EXPIRED"),
        ({"first": 0}, "BAD_USER_INPUT"),
        ({"first": 101}, "BAD_USER_INPUT"),
    ]
    for variables, code in cases:
        result = await gql(EVENTS, variables, key=key)
        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == code
    ok = await gql(EVENTS, {"after": encode_event_cursor(5)}, key=key)
    assert ok == {"data": {"ticketEvents": {"edges": [], "pageInfo": {
        "hasNextPage": False, "endCursor": encode_event_cursor(5)}}}}  # fmt: skip
