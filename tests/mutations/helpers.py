"""Documents and reads shared by the mutation tests."""

from __future__ import annotations

from typing import Any

# What a test looks at after a mutation, refused or not: status, version and the event log.
TICKET_NOW = """
query ($id: ID!) {
  ticket(id: $id) {
    state version
    ... on QueueTicket { queueStatus: status }
    ... on HelpdeskTicket { helpdeskStatus: status }
    history { nodes { type } }
  }
}
"""

ALL_EVENTS = "query { ticketEvents(first: 100) { nodes { type } } }"


def document(name: str, selection: str) -> str:
    """`mutation ($input: <Name>Input!) { name(input: $input) { selection } }`."""
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation ($input: {input_type}!) {{\n  {name}(input: $input) {{ {selection} }}\n}}\n"


def minimal(name: str) -> str:
    """The mutation answering only the ticket id and the errors."""
    return document(name, "ticket { id } errors { code field }")


async def ticket_now(gql: Any, key: str, ticket_id: str) -> dict[str, Any]:
    result = await gql(TICKET_NOW, {"id": ticket_id}, key=key)
    assert "errors" not in result, result
    ticket = dict(result["data"]["ticket"])
    ticket["status"] = ticket.pop("queueStatus", None) or ticket.pop("helpdeskStatus", None)
    return ticket


async def event_types(gql: Any, key: str) -> list[str]:
    result = await gql(ALL_EVENTS, key=key)
    assert "errors" not in result, result
    return [node["type"] for node in result["data"]["ticketEvents"]["nodes"]]


def refused(name: str, code: str, field: str | None) -> dict[str, Any]:
    return {"data": {name: {"ticket": None, "errors": [{"code": code, "field": field}]}}}
