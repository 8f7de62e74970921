"""assignTicket, unassignTicket, addTicketLabel, removeTicketLabel, setTicketExtra,
addTicketMessage: on both kinds of ticket."""

from __future__ import annotations

import pytest

from tests.mutations.conftest import gid
from tests.mutations.helpers import document

pytestmark = pytest.mark.anyio

FIELDS = """
    ticket {
      state version
      assignee { name }
      labels { name color }
      extra { title value url }
      messages { nodes { body direction channel author { name } } }
      history { nodes { type actor { name } } }
    }
    errors { code message field }
"""
ASSIGN = document("assignTicket", FIELDS)
UNASSIGN = document("unassignTicket", FIELDS)
ADD_LABEL = document("addTicketLabel", FIELDS)
REMOVE_LABEL = document("removeTicketLabel", FIELDS)
SET_EXTRA = document("setTicketExtra", FIELDS)
ADD_MESSAGE = document("addTicketMessage", FIELDS)


def _events(*types: str, actor: str = "Admin") -> dict:
    return {"nodes": [{"type": t, "actor": {"name": actor}} for t in types]}


@pytest.fixture(params=["queue", "helpdesk"])
async def ticket(request, factory) -> str:
    if request.param == "queue":
        row = await factory.queue_ticket(await factory.line(), title="t")
    else:
        row = await factory.helpdesk_ticket(title="t")
    return gid("Ticket", row)


async def test_assign_and_unassign(gql, factory, key, ticket):
    agent = await factory.user("Ada Agent")
    boss = await factory.user("Bea Boss")

    assigned = await gql(
        ASSIGN,
        {"input": {"id": ticket, "assigneeId": gid("User", agent), "userId": gid("User", boss)}},
        key=key,
    )
    unassigned = await gql(UNASSIGN, {"input": {"id": ticket}}, key=key)

    payload = assigned["data"]["assignTicket"]
    assert payload["errors"] == []
    assert payload["ticket"]["assignee"] == {"name": "Ada Agent"}
    assert payload["ticket"]["history"] == _events("ASSIGNED", actor="Bea Boss")
    assert unassigned["data"]["unassignTicket"]["ticket"]["assignee"] is None
    assert unassigned["data"]["unassignTicket"]["ticket"]["history"]["nodes"][-1] == {
        "type": "UNASSIGNED",
        "actor": {"name": "Admin"},
    }


async def test_labels_add_and_remove_once(gql, key, ticket):
    add = {"input": {"id": ticket, "name": "vip", "color": "#F00"}}

    added = await gql(ADD_LABEL, add, key=key)
    again = await gql(ADD_LABEL, add, key=key)
    removed = await gql(REMOVE_LABEL, {"input": {"id": ticket, "name": "vip"}}, key=key)
    absent = await gql(REMOVE_LABEL, {"input": {"id": ticket, "name": "vip"}}, key=key)

    assert added["data"]["addTicketLabel"] == {
        "ticket": {
            "state": "OPEN",
            "version": 2,
            "assignee": None,
            "labels": [{"name": "vip", "color": "#FF0000"}],
            "extra": [],
            "messages": {"nodes": []},
            "history": _events("LABEL_ADDED"),
        },
        "errors": [],
    }
    assert again["data"]["addTicketLabel"] == added["data"]["addTicketLabel"]
    assert removed["data"]["removeTicketLabel"]["ticket"]["labels"] == []
    assert removed["data"]["removeTicketLabel"]["ticket"]["history"] == _events(
        "LABEL_ADDED", "LABEL_REMOVED"
    )
    assert absent["data"]["removeTicketLabel"] == removed["data"]["removeTicketLabel"]


async def test_set_extra_upserts_by_title(gql, key, ticket):
    await gql(SET_EXTRA, {"input": {"id": ticket, "title": "Order", "value": "1"}}, key=key)

    result = await gql(
        SET_EXTRA,
        {"input": {"id": ticket, "title": "Order", "value": "2", "url": "https://x.example/2"}},
        key=key,
    )

    payload = result["data"]["setTicketExtra"]
    assert payload["errors"] == []
    assert payload["ticket"]["extra"] == [
        {"title": "Order", "value": "2", "url": "https://x.example/2"}
    ]
    assert payload["ticket"]["history"] == _events("EXTRA_SET", "EXTRA_SET")


async def test_add_message_outgoing_by_the_caller_or_incoming(gql, factory, key, ticket):
    agent = await factory.user("Ada Agent")

    await gql(ADD_MESSAGE, {"input": {"id": ticket, "body": "Hello"}}, key=key)
    await gql(
        ADD_MESSAGE,
        {"input": {"id": ticket, "body": "On my way", "userId": gid("User", agent)}},
        key=key,
    )
    result = await gql(
        ADD_MESSAGE,
        {"input": {"id": ticket, "body": "Thanks", "direction": "INCOMING", "channel": "email"}},
        key=key,
    )

    payload = result["data"]["addTicketMessage"]
    assert payload["errors"] == []
    channel = payload["ticket"]["messages"]["nodes"][0]["channel"]
    assert payload["ticket"]["messages"] == {
        "nodes": [
            {"body": "Hello", "direction": "OUTGOING", "channel": channel,
             "author": {"name": "Admin"}},
            {"body": "On my way", "direction": "OUTGOING", "channel": channel,
             "author": {"name": "Ada Agent"}},
            {"body": "Thanks", "direction": "INCOMING", "channel": "email", "author": None},
        ]
    }  # fmt: skip
    assert payload["ticket"]["history"] == _events(*["MESSAGE_ADDED"] * 3)
