"""A key of workspace A sees nothing of workspace B, by any path."""

from __future__ import annotations

import pytest

from schema.ids import encode_id
from tests.factories import Factory

pytestmark = pytest.mark.anyio

EVERYTHING = """
query ($ticketId: ID!, $ids: [ID!]!, $lineIds: [ID!]) {
  tickets(first: 100, filter: {includeRemoved: true}) { totalCount nodes { title } }
  filtered: tickets(filter: {lineIds: $lineIds}) { totalCount }
  ticket(id: $ticketId) { id }
  node(id: $ticketId) { id }
  nodes(ids: $ids) { id }
  lines { name }
  users { name }
  teams { name }
  labels { name }
  ticketEvents { nodes { type ticket { title } } }
  filteredEvents: ticketEvents(filter: {ticketIds: [$ticketId]}) { nodes { type } }
}
"""

HISTORY = """
query { tickets { nodes { title history { nodes { type } } labels { name }
  assignee { name } team { name } contact { name } messages { nodes { body } } } } }
"""


async def _fill(factory: Factory, tag: str) -> dict:
    line = await factory.line(f"line-{tag}")
    user = await factory.user(f"user-{tag}")
    team = await factory.team(f"team-{tag}")
    label = await factory.label(f"label-{tag}")
    contact = await factory.contact(f"contact-{tag}")
    ticket = await factory.queue_ticket(line, title=f"ticket-{tag}", assignee_id=user.id)
    await factory.tag(ticket, label)
    message = await factory.message(ticket, f"msg-{tag}")
    (event,) = await factory.events(ticket, "CREATED")
    return {
        "ticket": encode_id("Ticket", ticket.id),
        "ids": [
            encode_id("Ticket", ticket.id), encode_id("Line", line.id),
            encode_id("User", user.id), encode_id("Team", team.id),
            encode_id("Label", label.id), encode_id("Contact", contact.id),
            encode_id("Message", message.id), encode_id("TicketEvent", event.id),
            encode_id("Workspace", factory.workspace_id),
        ],
        "line": encode_id("Line", line.id),
    }  # fmt: skip


async def test_a_key_sees_only_its_workspace(gql, db, make_workspace):
    # given: two workspaces with the same shape of data
    a, b = await make_workspace("A"), await make_workspace("B")
    await _fill(Factory(db, a.workspace.id), "a")
    theirs = await _fill(Factory(db, b.workspace.id), "b")

    # when: A asks for B's things by every path
    result = await gql(
        EVERYTHING,
        {"ticketId": theirs["ticket"], "ids": theirs["ids"], "lineIds": [theirs["line"]]},
        key=a.api_key,
    )

    # then
    assert result == {
        "data": {
            "tickets": {"totalCount": 1, "nodes": [{"title": "ticket-a"}]},
            "filtered": {"totalCount": 0},
            "ticket": None,
            "node": None,
            "nodes": [None] * 9,
            "lines": [{"name": "line-a"}],
            "users": [{"name": "Admin"}, {"name": "user-a"}],
            "teams": [{"name": "team-a"}],
            "labels": [{"name": "label-a"}],
            "ticketEvents": {"nodes": [{"type": "CREATED", "ticket": {"title": "ticket-a"}}]},
            "filteredEvents": {"nodes": []},
        }
    }


async def test_relations_stay_inside_the_workspace(gql, db, make_workspace):
    # given: a corrupt row of A pointing at B's user, team and contact (foreign keys allow it)
    a, b = await make_workspace("A"), await make_workspace("B")
    fa, fb = Factory(db, a.workspace.id), Factory(db, b.workspace.id)
    user, team, contact = await fb.user("spy"), await fb.team("spies"), await fb.contact("x")
    label = await fb.label("secret")
    ticket = await fa.helpdesk_ticket(
        title="mine", assignee_id=user.id, team_id=team.id, contact_id=contact.id
    )
    await fa.tag(ticket, label)
    await fb.message(ticket, "planted")
    await fb.events(ticket, "UPDATED")

    # when
    result = await gql(HISTORY, key=a.api_key)

    # then
    assert result == {
        "data": {
            "tickets": {
                "nodes": [
                    {
                        "title": "mine",
                        "history": {"nodes": []},
                        "labels": [],
                        "assignee": None,
                        "team": None,
                        "contact": None,
                        "messages": {"nodes": []},
                    }
                ]
            }
        }
    }
