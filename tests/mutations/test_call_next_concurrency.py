"""callNextTicket is atomic: concurrent desks never get the same ticket (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories import at
from tests.mutations.conftest import gid
from tests.mutations.helpers import document

pytestmark = pytest.mark.anyio

CALL_NEXT = document("callNextTicket", "ticket { id } errors { code message field }")
WAITING = "query ($lineIds: [ID!]) { tickets(filter: {lineIds: $lineIds, queueStatuses: [NEW]}) { totalCount } }"  # noqa: E501


async def test_fifty_desks_calling_next_on_thirty_waiting(gql, factory, key):
    # given: 30 waiting tickets and 50 desks (users) about to call next at once
    line = await factory.line()
    tickets = [await factory.queue_ticket(line, created_at=at(i)) for i in range(30)]
    desks = [await factory.user(f"Desk {i}") for i in range(50)]
    line_ids = [gid("Line", line)]

    # when
    results = await asyncio.gather(
        *(
            gql(CALL_NEXT, {"input": {"lineIds": line_ids, "userId": gid("User", desk)}}, key=key)
            for desk in desks
        )
    )

    # then: 30 distinct tickets were called, the other 20 desks got null and no error
    payloads = [result["data"]["callNextTicket"] for result in results]
    assert all(payload["errors"] == [] for payload in payloads), results
    called = [p["ticket"]["id"] for p in payloads if p["ticket"] is not None]
    assert sorted(called) == sorted(gid("Ticket", t) for t in tickets)
    assert len(called) == len(set(called)) == 30
    assert sum(payload["ticket"] is None for payload in payloads) == 20
    assert await gql(WAITING, {"lineIds": line_ids}, key=key) == {
        "data": {"tickets": {"totalCount": 0}}
    }
