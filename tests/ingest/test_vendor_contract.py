"""Every vendor fixture, through both doors: signed webhooks (one body after another, as the
vendor delivers them) and `import_file` (the same bodies as one file), each into its own
workspace. Each vendor field is read back through GraphQL and must be the same both ways, and
where README's "Where vendor fields live" says. Delivering the lot a second time changes
nothing and writes no event (retries, re-imported logs)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.access.workspaces import set_webhook_secret
from app.db import TicketEvent
from app.ingest.importer import import_file
from app.live.service_env import ServiceEnv
from tests.ingest.helpers import count

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parent.parent / "connectors" / "fixtures"
SECRET = "contract-secret"

QUEUE = """
{ tickets(first: 10, orderBy: {field: CREATED_AT, direction: ASC}) { nodes {
  state closedAt
  ... on QueueTicket {
    status source rawSource firstName calledAt servedAt desk
    line { name location { name externalId } }
    calledBy { externalId }
    labels { name color }
    interactions { start end desk user { externalId } }
    messages { nodes { body direction status author { externalId } } }
    history { nodes { type fromStatus toStatus actor { externalId } } }
  }
} } }
"""

PLACES = "{ lines { name externalId location { name externalId } } }"

HELPDESK = """
{ tickets(first: 10, filter: {includeRemoved: true}) { nodes {
  state
  ... on HelpdeskTicket {
    status channel channelName chatIsRemoved trashedAt
    assignee { name email }
    customer { name email identifier }
    labels { name color }
    satisfaction { score shouldSendAt sentAt }
    messages { nodes {
      body direction externalId externalReference sentAt routingType
      author { externalId name email }
      sender { name address } recipients { name address } cc { name address }
      bcc { name address }
      attachments { name size contentType }
    } }
    history { nodes { type } }
  }
} } }
"""

VISIBLE = "{ tickets(first: 10) { totalCount } }"


@dataclass(frozen=True)
class Case:
    vendor: str
    fixture: str
    query: str
    expected: dict[str, Any]

    def bodies(self) -> list[Any]:
        text = (FIXTURES / self.fixture).read_text()
        if self.fixture.endswith(".ndjson"):
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return [json.loads(text)]


def _event(type_: str, old: str | None, new: str, actor: str | None = None) -> dict[str, Any]:
    return {
        "type": type_,
        "fromStatus": old,
        "toStatus": new,
        "actor": None if actor is None else {"externalId": actor},
    }


EYRE = {
    "state": "RESOLVED",
    "closedAt": "2020-05-15T00:31:10+00:00",
    "status": "SERVED",
    "source": "MANUAL",
    "rawSource": "MANUAL",
    "firstName": "Jane",
    "calledAt": "2020-05-15T00:20:00+00:00",
    "servedAt": "2020-05-15T00:31:10+00:00",
    "desk": 3,
    "line": {"name": "Line 37338", "location": None},
    "calledBy": {"externalId": "14267"},
    "labels": [],
    "interactions": [
        {
            "start": "2020-05-15T00:20:00+00:00",
            "end": "2020-05-15T00:31:10+00:00",
            "desk": 3,
            "user": {"externalId": "14267"},
        }
    ],
    "messages": {"nodes": []},
    # The late ticket_called and ticket_created, and the served retry, left no trace.
    "history": {
        "nodes": [
            _event("CREATED", None, "NEW"),
            _event("CALLED", "NEW", "CALLED", "14267"),
            _event("SERVED", "CALLED", "SERVED"),
        ]
    },
}

ROCHESTER = {
    "state": "IN_PROGRESS",
    "closedAt": None,
    "status": "CALLED",
    "source": "MANUAL",
    "rawSource": "MANUAL",
    "firstName": "Edward",
    "calledAt": "2020-05-15T01:15:00+00:00",
    "servedAt": None,
    "desk": 5,
    "line": {"name": "Line 37338", "location": None},
    "calledBy": {"externalId": "14268"},
    "labels": [],
    "interactions": [
        {
            "start": "2020-05-15T01:05:00+00:00",
            "end": "2020-05-15T01:08:00+00:00",
            "desk": 3,
            "user": {"externalId": "14267"},
        },
        {
            "start": "2020-05-15T01:15:00+00:00",
            "end": None,
            "desk": 5,
            "user": {"externalId": "14268"},
        },
    ],
    "messages": {"nodes": []},
    # The late first ticket_called (after the second call) is stale.
    "history": {
        "nodes": [
            _event("CREATED", None, "NEW"),
            _event("CALLED", "NEW", "CALLED", "14267"),
            _event("RETURNED_TO_QUEUE", "CALLED", "NEW"),
            _event("CALLED", "NEW", "CALLED", "14268"),
        ]
    },
}

MASON = {
    "state": "CANCELLED",
    "closedAt": "2020-05-15T02:12:30+00:00",
    "status": "CANCELLED_BY_CLERK",
    "source": "NAME",
    "rawSource": "NAME",
    "firstName": "Bertha",
    "calledAt": None,
    "servedAt": None,
    "desk": None,
    "line": {"name": "Line 37338", "location": None},
    "calledBy": None,
    "labels": [],
    "interactions": [],
    "messages": {"nodes": []},
    "history": {"nodes": [_event("CREATED", None, "CANCELLED_BY_CLERK")]},
}

PRINTED = {
    "state": "OPEN",
    "closedAt": None,
    "status": "NEW",
    "source": "OTHER",
    "rawSource": "PRINTER",
    "firstName": None,
    "calledAt": None,
    "servedAt": None,
    "desk": None,
    "line": {"name": "Line 27346", "location": None},
    "calledBy": None,
    "labels": [{"name": "VIP", "color": "#FF4136"}],
    "interactions": [],
    "messages": {
        "nodes": [
            {
                "body": "It's your turn!",
                "direction": "OUTGOING",
                "status": "SENT",
                "author": {"externalId": "15000"},
            },
            {"body": "Thank you!", "direction": "INCOMING", "status": "NEW", "author": None},
        ]
    },
    "history": {"nodes": [_event("CREATED", None, "NEW")]},
}

ROUTED = {
    "state": "OPEN",
    "status": "OPEN",
    "channel": "email",
    "channelName": None,
    "chatIsRemoved": None,
    "trashedAt": None,
    # The agent's own email: the mailbox the reply went out of (source.from) is not hers.
    "assignee": {"name": "Ana Agent", "email": "ana@acme.example"},
    "customer": {"name": "Marie Curie", "email": "marie@example.com", "identifier": None},
    "labels": [{"name": "VIP", "color": "#2ECC40"}],
    "satisfaction": {"score": 4, "shouldSendAt": "2024-03-02T10:31:00+00:00", "sentAt": None},
    "messages": {
        "nodes": [
            {
                "body": "Hello, my parcel did not arrive.",
                "direction": "INCOMING",
                "externalId": "924713",
                "externalReference": None,
                "sentAt": "2024-03-01T09:00:01+00:00",
                "routingType": "email",
                "author": None,
                "sender": {"name": "Marie Curie", "address": "marie@example.com"},
                "recipients": [{"name": "Acme Support", "address": "support@acme.example"}],
                "cc": [],
                "bcc": [],
                "attachments": [
                    {"name": "receipt.pdf", "size": 48213, "contentType": "application/pdf"}
                ],
            },
            {
                "body": "It is on its way.",
                "direction": "OUTGOING",
                "externalId": "924714",
                "externalReference": "MSG-78546",
                "sentAt": "2024-03-01T10:30:05+00:00",
                "routingType": "email",
                "author": {"externalId": "7", "name": "Ana Agent", "email": "ana@acme.example"},
                "sender": {"name": "Acme Support", "address": "support@acme.example"},
                "recipients": [{"name": "Marie Curie", "address": "marie@example.com"}],
                "cc": [{"name": "Pierre Curie", "address": "pierre@example.com"}],
                "bcc": [{"name": "Audit", "address": "audit@acme.example"}],
                "attachments": [],
            },
        ]
    },
    "history": {"nodes": [{"type": "CREATED"}]},
}

REMOVED = {
    "state": "CANCELLED",
    "status": "CLOSED",
    "channel": "WHATSAPP",
    "channelName": "WhatsApp Store",
    "chatIsRemoved": True,
    "trashedAt": "2025-03-11T08:09:00+00:00",
    "assignee": None,
    "customer": {"name": "Ana Cliente", "email": None, "identifier": "+5511988887777"},
    "labels": [],
    "satisfaction": None,
    "messages": {"nodes": []},
    "history": {"nodes": [{"type": "CREATED"}]},
}

CASES = [
    Case(
        "qminder",
        "qminder_webhook_log.ndjson",
        QUEUE,
        {"tickets": {"nodes": [EYRE]}},
    ),
    Case(
        "qminder",
        "qminder_return_to_queue.ndjson",
        QUEUE,
        {"tickets": {"nodes": [ROCHESTER]}},
    ),
    Case("qminder", "qminder_ticket_cancelled.json", QUEUE, {"tickets": {"nodes": [MASON]}}),
    Case(
        "qminder",
        "qminder_places.ndjson",
        PLACES,
        {
            "lines": [
                {
                    "name": "Registration",
                    "externalId": "37338",
                    "location": {"name": "Service Location 2", "externalId": "5610"},
                }
            ]
        },
    ),
    Case("qminder", "qminder_seed000_messages.json", QUEUE, {"tickets": {"nodes": [PRINTED]}}),
    Case("gorgias", "gorgias_message_routing.json", HELPDESK, {"tickets": {"nodes": [ROUTED]}}),
    Case("zaia", "zaia_removed_chat.json", HELPDESK, {"tickets": {"nodes": [REMOVED]}}),
]


def _headers(vendor: str, url: str, body: bytes) -> dict[str, str]:
    if vendor == "qminder":
        signed = url.encode() + body
        return {"X-Qminder-Signature": hmac.new(SECRET.encode(), signed, "sha256").hexdigest()}
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Ticketgw-Signature": f"sha256={digest}"}


async def _by_webhook(client, case: Case, slug: str) -> None:
    path = f"/ingest/{case.vendor}/{slug}"
    for body in case.bodies():
        raw = json.dumps(body).encode()
        answer = await client.post(
            path, content=raw, headers=_headers(case.vendor, f"http://testserver{path}", raw)
        )
        assert answer.status_code == 200, answer.text


async def _by_import(db, case: Case, workspace_id: int) -> None:
    text = "".join(json.dumps(body) + "\n" for body in case.bodies())
    summary = await import_file(
        ServiceEnv(db), workspace_id, case.vendor, io.BytesIO(text.encode())
    )
    assert summary.rejected == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.fixture.split(".")[0])
async def test_each_vendor_field_reads_back_the_same_by_webhook_and_by_import(
    case, client, gql, db, make_workspace
):
    hooked, imported = await make_workspace("webhook"), await make_workspace("import")
    await set_webhook_secret(
        db, workspace_id=hooked.workspace.id, vendor=case.vendor, secret=SECRET
    )
    for deliveries in (1, 2):  # the second time round is a retry of everything
        await _by_webhook(client, case, hooked.workspace.slug)
        await _by_import(db, case, imported.workspace.id)
        for ws in (hooked, imported):
            result = await gql(case.query, key=ws.api_key)
            assert result == {"data": case.expected}, (ws.workspace.name, deliveries)
        if deliveries == 1:
            logged = [await count(db, TicketEvent, ws.workspace.id) for ws in (hooked, imported)]
    assert [await count(db, TicketEvent, ws.workspace.id) for ws in (hooked, imported)] == logged


async def test_a_removed_zaia_chat_is_hidden_like_trash(gql, db, workspace):
    ws = workspace.workspace
    case = next(c for c in CASES if c.vendor == "zaia")
    await _by_import(db, case, ws.id)
    assert await gql(VISIBLE, key=workspace.api_key) == {"data": {"tickets": {"totalCount": 0}}}
    shown = await gql(HELPDESK, key=workspace.api_key)
    assert shown["data"]["tickets"]["nodes"][0]["chatIsRemoved"] is True
