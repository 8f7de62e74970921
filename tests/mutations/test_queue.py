"""createQueueTicket, updateTicket, moveTicket, cancelTicket, reorderTicket."""

from __future__ import annotations

import pytest

from tests.factories import at
from tests.mutations.conftest import gid
from tests.mutations.helpers import document, ticket_now

pytestmark = pytest.mark.anyio

CREATE = """
mutation ($input: CreateQueueTicketInput!) {
  createQueueTicket(input: $input) {
    ticket {
      title state version
      ... on QueueTicket {
        status publicId number source firstName lastName email position line { name }
      }
      labels { name color }
      extra { title value url }
      history { nodes { type actor { name } } }
    }
    errors { code message field }
  }
}
"""

QUEUE_FIELDS = """
    ticket {
      title state
      ... on QueueTicket { status firstName email line { name } position }
      history { nodes { type } }
    }
    errors { code message field }
"""
UPDATE = document("updateTicket", QUEUE_FIELDS)
MOVE = document("moveTicket", QUEUE_FIELDS)
CANCEL = document("cancelTicket", QUEUE_FIELDS)
REORDER = document("reorderTicket", QUEUE_FIELDS)

LINE_ORDER = """
query ($lineIds: [ID!]) {
  tickets(
    filter: {lineIds: $lineIds, queueStatuses: [NEW]}
    orderBy: {field: CREATED_AT, direction: ASC}
  ) {
    nodes { title ... on QueueTicket { position } }
  }
}
"""


async def test_create_queue_ticket(gql, factory, key):
    # given
    line = await factory.line("Front desk", prefix="F")
    await factory.queue_ticket(line, title="Earlier")

    # when
    result = await gql(
        CREATE,
        {
            "input": {
                "lineId": gid("Line", line),
                "firstName": " Ann ",
                "lastName": "Lee",
                "email": "ann@example.com",
                "source": "PHONE",
                "labels": ["vip", "vip"],
                "extra": [{"title": "Order", "value": "42", "url": "https://shop.example/42"}],
            }
        },
        key=key,
    )

    # then
    assert result == {
        "data": {
            "createQueueTicket": {
                "ticket": {
                    "title": "Ann Lee",
                    "state": "OPEN",
                    "version": 1,
                    "status": "NEW",
                    "publicId": "F-1",
                    "number": 1,
                    "source": "PHONE",
                    "firstName": "Ann",
                    "lastName": "Lee",
                    "email": "ann@example.com",
                    "position": 2,
                    "line": {"name": "Front desk"},
                    "labels": [{"name": "vip", "color": None}],
                    "extra": [{"title": "Order", "value": "42", "url": "https://shop.example/42"}],
                    "history": {"nodes": [{"type": "CREATED", "actor": {"name": "Admin"}}]},
                },
                "errors": [],
            }
        }
    }


async def test_update_ticket_changes_visitor_details(gql, factory, key):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, first_name="Ann", title="Ann")

    result = await gql(
        UPDATE,
        {"input": {"id": gid("Ticket", ticket), "firstName": "Anna", "email": "a@example.com"}},
        key=key,
    )

    assert result == {
        "data": {
            "updateTicket": {
                "ticket": {
                    "title": "Anna",
                    "state": "OPEN",
                    "status": "NEW",
                    "firstName": "Anna",
                    "email": "a@example.com",
                    "line": {"name": "Main line"},
                    "position": 1,
                    "history": {"nodes": [{"type": "UPDATED"}]},
                },
                "errors": [],
            }
        }
    }


async def test_move_ticket_puts_it_last_in_the_other_line(gql, factory, key):
    line, other = await factory.line("One"), await factory.line("Two")
    await factory.queue_ticket(other, title="Waiting there")
    ticket = await factory.queue_ticket(line, "CALLED", title="Bo", desk=2)

    result = await gql(
        MOVE, {"input": {"id": gid("Ticket", ticket), "lineId": gid("Line", other)}}, key=key
    )

    assert result == {
        "data": {
            "moveTicket": {
                "ticket": {
                    "title": "Bo",
                    "state": "OPEN",
                    "status": "NEW",
                    "firstName": None,
                    "email": None,
                    "line": {"name": "Two"},
                    "position": 2,
                    "history": {"nodes": [{"type": "MOVED"}]},
                },
                "errors": [],
            }
        }
    }


async def test_cancel_ticket(gql, factory, key):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, title="Cy")

    result = await gql(CANCEL, {"input": {"id": gid("Ticket", ticket)}}, key=key)

    assert result == {
        "data": {
            "cancelTicket": {
                "ticket": {
                    "title": "Cy",
                    "state": "CANCELLED",
                    "status": "CANCELLED_BY_CLERK",
                    "firstName": None,
                    "email": None,
                    "line": {"name": "Main line"},
                    "position": None,
                    "history": {"nodes": [{"type": "CANCELLED"}]},
                },
                "errors": [],
            }
        }
    }


async def test_reorder_ticket_first_and_after(gql, factory, key):
    # given: a, b, c waiting in that order
    line = await factory.line()
    a, b, c = [
        await factory.queue_ticket(line, title=title, created_at=when)
        for title, when in (("a", at(1)), ("b", at(2)), ("c", at(3)))
    ]

    # when: c goes first, then a goes after b
    first = await gql(REORDER, {"input": {"id": gid("Ticket", c), "position": "FIRST"}}, key=key)
    after = await gql(
        REORDER, {"input": {"id": gid("Ticket", a), "afterId": gid("Ticket", b)}}, key=key
    )

    # then
    assert first["data"]["reorderTicket"]["ticket"]["position"] == 1
    assert first["data"]["reorderTicket"]["ticket"]["history"] == {"nodes": [{"type": "REORDERED"}]}
    assert after["data"]["reorderTicket"]["errors"] == []
    order = await gql(LINE_ORDER, {"lineIds": [gid("Line", line)]}, key=key)
    assert order == {
        "data": {
            "tickets": {
                "nodes": [
                    {"title": "a", "position": 3},
                    {"title": "b", "position": 2},
                    {"title": "c", "position": 1},
                ]
            }
        }
    }


async def test_reorder_needs_after_id_or_position(gql, factory, key):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, title="a")

    result = await gql(REORDER, {"input": {"id": gid("Ticket", ticket)}}, key=key)

    assert result["data"]["reorderTicket"] == {
        "ticket": None,
        "errors": [
            {
                "code": "VALIDATION",
                "message": "Give either a ticket to go after or a position.",
                "field": "afterId",
            }
        ],
    }
    assert (await ticket_now(gql, key, gid("Ticket", ticket)))["history"] == {"nodes": []}
