"""Roles: a READ key can't mutate (FORBIDDEN), an AGENT key works tickets but can't set up,
setup needs ADMIN; no key is UNAUTHENTICATED. A refused call changes nothing."""

from __future__ import annotations

import pytest

from tests.mutations.conftest import gid
from tests.mutations.helpers import event_types, minimal, ticket_now

pytestmark = pytest.mark.anyio

CREATE_LINE = (
    'mutation { createLine(input: {name: "Side door"}) { line { name } errors { code } } }'
)
LINES = "query { lines { name } }"

READ_ONLY = "This API key may only read: changing tickets needs an agent or admin key."
ADMIN_ONLY = "Setting up a workspace needs an admin key."
NO_KEY = "An API key is required: send 'Authorization: Bearer <key>'."


def _top_level(name: str, message: str, code: str) -> dict:
    return {
        "data": None,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 2, "column": 3}],
                "path": [name],
                "extensions": {"code": code},
            }
        ],
    }


async def test_a_read_key_cannot_mutate(gql, factory, key, read_key):
    line = await factory.line()
    ticket = gid("Ticket", await factory.queue_ticket(line, title="q"))

    call = await gql(minimal("callTicket"), {"input": {"id": ticket}}, key=read_key)
    call_next = await gql(
        minimal("callNextTicket"), {"input": {"lineIds": [gid("Line", line)]}}, key=read_key
    )

    assert call == _top_level("callTicket", READ_ONLY, "FORBIDDEN")
    assert call_next == _top_level("callNextTicket", READ_ONLY, "FORBIDDEN")
    assert (await ticket_now(gql, key, ticket))["status"] == "NEW"
    assert await event_types(gql, key) == []


async def test_an_agent_key_works_tickets(gql, factory, agent_key):
    line = await factory.line()
    ticket = gid("Ticket", await factory.queue_ticket(line, title="q"))

    result = await gql(minimal("callTicket"), {"input": {"id": ticket}}, key=agent_key)

    assert result == {"data": {"callTicket": {"ticket": {"id": ticket}, "errors": []}}}


async def test_setup_needs_an_admin_key(gql, key, agent_key, read_key):
    for weaker in (agent_key, read_key):
        result = await gql(CREATE_LINE, key=weaker)
        assert result == {
            "data": None,
            "errors": [
                {
                    "message": ADMIN_ONLY,
                    "locations": [{"line": 1, "column": 12}],
                    "path": ["createLine"],
                    "extensions": {"code": "FORBIDDEN"},
                }
            ],
        }
    assert await gql(LINES, key=key) == {"data": {"lines": []}}

    assert await gql(CREATE_LINE, key=key) == {
        "data": {"createLine": {"line": {"name": "Side door"}, "errors": []}}
    }


async def test_no_key_is_unauthenticated(gql, factory, key):
    line = await factory.line()

    result = await gql(minimal("callNextTicket"), {"input": {"lineIds": [gid("Line", line)]}})

    assert result == _top_level("callNextTicket", NO_KEY, "UNAUTHENTICATED")
    assert await event_types(gql, key) == []
