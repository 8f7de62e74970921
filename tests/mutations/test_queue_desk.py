"""callTicket, callNextTicket, recallTicket, returnTicketToQueue, markTicketServed,
markTicketNoShow."""

from __future__ import annotations

import pytest

from tests.factories import at
from tests.mutations.conftest import gid
from tests.mutations.helpers import document, ticket_now

pytestmark = pytest.mark.anyio

DESK_FIELDS = """
    ticket {
      title state
      ... on QueueTicket { status desk position calledBy { name } }
      interactions { desk user { name } end }
      history { nodes { type actor { name } } }
    }
    errors { code message field }
"""
CALL = document("callTicket", DESK_FIELDS)
CALL_NEXT = document("callNextTicket", DESK_FIELDS)
RECALL = document("recallTicket", DESK_FIELDS)
RETURN = document("returnTicketToQueue", DESK_FIELDS)
SERVED = document("markTicketServed", DESK_FIELDS)
NO_SHOW = document("markTicketNoShow", DESK_FIELDS)


def _called(title: str, desk: int | None, events: list[str], user: str = "Admin") -> dict:
    return {
        "title": title,
        "state": "IN_PROGRESS",
        "status": "CALLED",
        "desk": desk,
        "position": None,
        "calledBy": {"name": user},
        "interactions": [{"desk": desk, "user": {"name": user}, "end": None}],
        "history": {"nodes": [{"type": t, "actor": {"name": user}} for t in events]},
    }


async def test_call_ticket_to_a_desk_as_another_user(gql, factory, key):
    line = await factory.line()
    clerk = await factory.user("Cleo Clerk")
    ticket = await factory.queue_ticket(line, title="Ann")

    result = await gql(
        CALL,
        {"input": {"id": gid("Ticket", ticket), "desk": 4, "userId": gid("User", clerk)}},
        key=key,
    )

    assert result == {
        "data": {
            "callTicket": {"ticket": _called("Ann", 4, ["CALLED"], "Cleo Clerk"), "errors": []}
        }
    }


async def test_call_next_calls_the_first_waiting_and_serves_the_previous(gql, factory, key):
    # given: two waiting across two lines, the caller already has a ticket CALLED
    one, two = await factory.line("One"), await factory.line("Two")
    await factory.queue_ticket(two, title="second", created_at=at(2))
    first = await factory.queue_ticket(one, title="first", created_at=at(1))
    lines = [gid("Line", one), gid("Line", two)]
    earlier = await gql(CALL_NEXT, {"input": {"lineIds": lines, "desk": 1}}, key=key)

    # when
    result = await gql(CALL_NEXT, {"input": {"lineIds": lines, "desk": 1}}, key=key)

    # then: the second is called and the first, still CALLED by the same user, is served
    assert earlier["data"]["callNextTicket"]["ticket"]["title"] == "first"
    assert result == {
        "data": {"callNextTicket": {"ticket": _called("second", 1, ["CALLED"]), "errors": []}}
    }
    assert await ticket_now(gql, key, gid("Ticket", first)) == {
        "state": "RESOLVED",
        "version": 3,
        "status": "SERVED",
        "history": {"nodes": [{"type": "CALLED"}, {"type": "SERVED"}]},
    }


async def test_call_next_with_nobody_waiting_answers_null_without_error(gql, factory, key):
    line = await factory.line()
    await factory.queue_ticket(line, "SERVED", title="done")

    result = await gql(CALL_NEXT, {"input": {"lineIds": [gid("Line", line)]}}, key=key)

    assert result == {"data": {"callNextTicket": {"ticket": None, "errors": []}}}


async def test_call_next_keep_previous_leaves_the_earlier_call(gql, factory, key):
    line = await factory.line()
    first = await factory.queue_ticket(line, title="first", created_at=at(1))
    await factory.queue_ticket(line, title="second", created_at=at(2))
    await gql(CALL, {"input": {"id": gid("Ticket", first)}}, key=key)

    result = await gql(
        CALL_NEXT, {"input": {"lineIds": [gid("Line", line)], "keepPrevious": True}}, key=key
    )

    assert result["data"]["callNextTicket"]["ticket"]["title"] == "second"
    assert (await ticket_now(gql, key, gid("Ticket", first)))["status"] == "CALLED"


async def test_recall_adds_an_event_and_keeps_the_ticket(gql, factory, key):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, title="Ann")
    await gql(CALL, {"input": {"id": gid("Ticket", ticket), "desk": 2}}, key=key)

    result = await gql(RECALL, {"input": {"id": gid("Ticket", ticket)}}, key=key)

    assert result == {
        "data": {
            "recallTicket": {"ticket": _called("Ann", 2, ["CALLED", "RECALLED"]), "errors": []}
        }
    }


@pytest.mark.parametrize(("position", "expected"), [("FIRST", 1), ("LAST", 2)])
async def test_return_to_queue_first_or_last(gql, factory, key, position, expected):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, title="Ann", created_at=at(1))
    await factory.queue_ticket(line, title="Bo", created_at=at(2))
    await gql(CALL, {"input": {"id": gid("Ticket", ticket), "desk": 2}}, key=key)

    result = await gql(
        RETURN, {"input": {"id": gid("Ticket", ticket), "position": position}}, key=key
    )

    ticket_data = result["data"]["returnTicketToQueue"]["ticket"]
    assert result["data"]["returnTicketToQueue"]["errors"] == []
    assert {k: ticket_data[k] for k in ("state", "status", "desk", "position", "calledBy")} == {
        "state": "OPEN",
        "status": "NEW",
        "desk": None,
        "position": expected,
        "calledBy": None,
    }
    assert ticket_data["interactions"][0]["end"] is not None
    assert [n["type"] for n in ticket_data["history"]["nodes"]] == ["CALLED", "RETURNED_TO_QUEUE"]


@pytest.mark.parametrize(
    ("document", "name", "status", "state", "event"),
    [
        (SERVED, "markTicketServed", "SERVED", "RESOLVED", "SERVED"),
        (NO_SHOW, "markTicketNoShow", "NOSHOW", "CANCELLED", "NO_SHOW"),
    ],
)
async def test_served_and_no_show_close_the_call(
    gql, factory, key, document, name, status, state, event
):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, title="Ann")
    await gql(CALL, {"input": {"id": gid("Ticket", ticket), "desk": 3}}, key=key)

    result = await gql(document, {"input": {"id": gid("Ticket", ticket)}}, key=key)

    payload = result["data"][name]
    assert payload["errors"] == []
    assert {k: payload["ticket"][k] for k in ("state", "status", "desk")} == {
        "state": state,
        "status": status,
        "desk": 3,
    }
    assert payload["ticket"]["interactions"][0]["end"] is not None
    assert [n["type"] for n in payload["ticket"]["history"]["nodes"]] == ["CALLED", event]
