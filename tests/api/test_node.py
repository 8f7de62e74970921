"""node(id) and nodes(ids): every Node type by global ID; bad ids are refused."""

from __future__ import annotations

import base64

import pytest

from schema.ids import encode_id

pytestmark = pytest.mark.anyio

NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on User { name }
    ... on Team { name }
    ... on Line { name }
    ... on Contact { contactName: name }
    ... on Label { name }
    ... on Message { body }
    ... on TicketEvent { type }
    ... on Workspace { name }
    ... on QueueTicket { publicId }
    ... on HelpdeskTicket { subject }
  }
}
"""

NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"


async def test_nodes_of_every_type(gql, key, factory, workspace):
    # given
    user, team, line = await factory.user("U"), await factory.team("T"), await factory.line("L")
    contact, label = await factory.contact("C"), await factory.label("lab")
    queue = await factory.queue_ticket(line, public_id="A-1")
    helpdesk = await factory.helpdesk_ticket(subject="S")
    message = await factory.message(helpdesk, "hello")
    (event,) = await factory.events(helpdesk, "CREATED")
    expected = [
        ("User", user.id, {"name": "U"}),
        ("Team", team.id, {"name": "T"}),
        ("Line", line.id, {"name": "L"}),
        ("Contact", contact.id, {"contactName": "C"}),
        ("Label", label.id, {"name": "lab"}),
        ("Message", message.id, {"body": "hello"}),
        ("TicketEvent", event.id, {"type": "CREATED"}),
        ("Workspace", workspace.workspace.id, {"name": "Test"}),
        ("Ticket", queue.id, {"publicId": "A-1"}),
        ("Ticket", helpdesk.id, {"subject": "S"}),
    ]
    ids = [encode_id(name, pk) for name, pk, _ in expected] + [encode_id("User", 10**9)]

    # when
    result = await gql(NODES, {"ids": ids}, key=key)

    # then
    typenames = ["User", "Team", "Line", "Contact", "Label", "Message", "TicketEvent"]
    typenames += ["Workspace", "QueueTicket", "HelpdeskTicket"]
    assert result == {
        "data": {
            "nodes": [
                {"__typename": typename, "id": gid, **fields}
                for typename, gid, (_n, _pk, fields) in zip(typenames, ids, expected, strict=False)
            ]
            + [None]
        }
    }


async def test_node_round_trips_its_id(gql, key, factory):
    ticket = await factory.helpdesk_ticket()
    gid = encode_id("Ticket", ticket.id)
    result = await gql(NODE, {"id": gid}, key=key)
    assert result == {"data": {"node": {"__typename": "HelpdeskTicket", "id": gid}}}


@pytest.mark.parametrize(
    "bad",
    ["nope", base64.b64encode(b"Spaceship:1").decode(), base64.b64encode(b"User:x").decode(), ""],
)
async def test_malformed_ids_are_bad_user_input(gql, key, bad):
    result = await gql(NODE, {"id": bad}, key=key)
    assert result["data"] == {"node": None}
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        ("'id' is not a valid ID.", {"code": "BAD_USER_INPUT", "field": "id"})
    ]
