"""The writes the write benchmark makes, as load_client.py scripts: GraphQL and the floor's.

Every mutation selects what a client acting on the answer needs: the ticket's id and version
(for the next `expectedVersion`) and the payload's errors.
"""

from __future__ import annotations

import json
from typing import Any

from bench.write_setup import Slot

_PAYLOAD = "ticket { id version } errors { code message }"


def _mutation(text: str) -> str:
    return text.replace("PAYLOAD", _PAYLOAD)


MESSAGE = _mutation(
    'mutation ($id: ID!) { addTicketMessage(input: {id: $id, body: "Thanks, on it."}) { PAYLOAD } }'
)
CREATE_QUEUE = _mutation(
    'mutation ($l: ID!) { createQueueTicket(input: {lineId: $l, firstName: "Ada"}) { PAYLOAD } }'
)
CREATE_HELPDESK = _mutation(
    'mutation { createHelpdeskTicket(input: {subject: "Help", firstName: "Ada"}) { PAYLOAD } }'
)
LABEL = _mutation(
    'mutation ($id: ID!) { addTicketLabel(input: {id: $id, name: "vip"}) { PAYLOAD } }'
)
ASSIGN = _mutation(
    "mutation ($id: ID!, $a: ID!) { assignTicket(input: {id: $id, assigneeId: $a}) { PAYLOAD } }"
)
CALL = _mutation("mutation ($id: ID!) { callTicket(input: {id: $id, desk: 1}) { PAYLOAD } }")
SERVE = _mutation("mutation ($id: ID!) { markTicketServed(input: {id: $id}) { PAYLOAD } }")
TICKET = "__TICKET__"  # load_client.py puts the current ticket's id here
LIFECYCLE = (
    "createQueueTicket", "addTicketLabel", "assignTicket", "callTicket",
    "addTicketMessage (queue)", "markTicketServed",
)  # fmt: skip


def step(name: str, query: str, capture: bool = False, **variables: str) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables})
    return {"name": name, "path": "/graphql", "body": body, "capture": capture}


def headers(slot: Slot) -> dict[str, str]:
    # The GraphQL response media type: a refused request is a non-2xx answer.
    return {"Authorization": f"Bearer {slot.key}", "Accept": "application/graphql-response+json"}


def message_client(slot: Slot) -> dict[str, Any]:
    """addTicketMessage on the slot's own helpdesk tickets, one after the other."""
    return {
        "headers": headers(slot),
        "tickets": slot.tickets,
        "steps": [step("addTicketMessage", MESSAGE, id=TICKET)],
    }


def lifecycle_steps(slot: Slot) -> list[dict[str, Any]]:
    """A queue ticket's life at a desk: each mutation changes something, so each writes an
    event. The agent calls without keepPrevious, as desks do (its previous ticket is served)."""
    create, label, assign, call, message, serve = LIFECYCLE
    return [
        step(create, CREATE_QUEUE, capture=True, l=slot.line_gid),
        step(label, LABEL, id=TICKET),
        step(assign, ASSIGN, id=TICKET, a=slot.user_gid),
        step(call, CALL, id=TICKET),
        step(message, MESSAGE, id=TICKET),
        step(serve, SERVE, id=TICKET),
    ]


def mix_client(slot: Slot) -> dict[str, Any]:
    return {"headers": headers(slot), "steps": lifecycle_steps(slot)}


def floor_client(slot: Slot) -> dict[str, Any]:
    """The same writes as message_client, made by bench/write_floor.py."""
    fields = {
        "workspace": slot.workspace_id,
        "ticket": 0,
        "author": slot.user_id,
        "body": "Thanks, on it.",
    }
    body = json.dumps(fields).replace('"ticket": 0', f'"ticket": {TICKET}')
    return {
        "tickets": [str(pk) for pk in slot.ticket_pks],
        "steps": [{"name": "floor message", "path": "/message", "body": body}],
    }
