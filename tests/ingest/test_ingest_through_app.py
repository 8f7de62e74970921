"""Vendor payloads through the real app: a signed webhook in, the same ticket out of GraphQL."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from app.access.workspaces import set_webhook_secret

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parent.parent / "connectors" / "fixtures"

HELPDESK = """
query ($search: String) { tickets(first: 5, filter: {search: $search, kinds: [HELPDESK]}) {
  totalCount
  nodes { ... on HelpdeskTicket {
    subject channel via status state language unread externalReference openedAt
    customer { name email language }
    labels { name color }
    satisfaction { score bodyText }
    messages(first: 5) { nodes { body bodyHtml direction channel public externalId } }
    origin { system externalId rawStatus }
    history { nodes { type toState } }
  } }
} }
"""

QUEUE_HISTORY = """
{ tickets(first: 5, filter: {kinds: [QUEUE]}) { nodes {
  state
  ... on QueueTicket { queueStatus: status number desk line { name } }
  interactions { desk }
  history { nodes { type fromStatus toStatus } }
} } }
"""


def _signed(secret: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Ticketgw-Signature": f"sha256={digest}", "Content-Type": "application/json"}


async def test_gorgias_seed_example_reads_back_through_graphql(client, gql, db, workspace, key):
    ws = workspace.workspace
    secret = await set_webhook_secret(db, workspace_id=ws.id, vendor="gorgias")
    body = (FIXTURES / "gorgias_ticket.json").read_bytes()
    payload = json.loads(body)

    response = await client.post(
        f"/ingest/gorgias/{ws.slug}", content=body, headers=_signed(secret, body)
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "created"
    replay = await client.post(
        f"/ingest/gorgias/{ws.slug}", content=body, headers=_signed(secret, body)
    )
    assert replay.json()["result"] == "unchanged"

    result = await gql(HELPDESK, {"search": payload["subject"]}, key=key)
    assert "errors" not in result, result
    tickets = result["data"]["tickets"]
    assert tickets["totalCount"] == 1
    ticket = tickets["nodes"][0]
    message = payload["messages"][0]
    assert ticket["subject"] == payload["subject"]
    assert ticket["channel"] == payload["channel"]
    assert ticket["externalReference"] == payload["external_id"]
    assert ticket["origin"] == {
        "system": "GORGIAS",
        "externalId": str(payload["id"]),
        "rawStatus": "open",
    }
    assert ticket["customer"]["email"] == payload["customer"]["email"]
    assert [label["name"] for label in ticket["labels"]] == [payload["tags"][0]["name"]]
    assert ticket["satisfaction"]["score"] == payload["satisfaction_survey"]["score"]
    assert ticket["messages"]["nodes"][0]["bodyHtml"] == message["body_html"]
    assert ticket["messages"]["nodes"][0]["externalId"] == str(message["id"])
    # One creation event; the replay added none.
    assert [e["type"] for e in ticket["history"]["nodes"]] == ["CREATED"]


async def test_bad_signature_writes_nothing_readable(client, gql, db, workspace, key):
    ws = workspace.workspace
    await set_webhook_secret(db, workspace_id=ws.id, vendor="gorgias")
    body = (FIXTURES / "gorgias_ticket.json").read_bytes()
    response = await client.post(
        f"/ingest/gorgias/{ws.slug}", content=body, headers=_signed("not the secret", body)
    )
    assert response.status_code == 401
    result = await gql("{ tickets(first: 1) { totalCount } }", key=key)
    assert result["data"]["tickets"]["totalCount"] == 0


async def test_qminder_webhooks_read_like_a_driven_queue_ticket(client, gql, db, workspace, key):
    ws = workspace.workspace
    secret = await set_webhook_secret(db, workspace_id=ws.id, vendor="qminder")
    ticket = {
        "id": "900001",
        "number": 7,
        "status": "NEW",
        "line": 27346,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "created": {"date": "2026-01-20T09:37:43Z"},
    }
    call = {"date": "2026-01-20T09:39:33Z", "caller": 28458, "desk": 3}
    called = {**ticket, "status": "CALLED", "called": call}
    served = {**called, "status": "SERVED", "served": {"date": "2026-01-20T09:48:13Z"}}
    for kind, data in (
        ("ticket_created", ticket),
        ("ticket_called", called),
        ("ticket_served", served),
    ):
        body = json.dumps({"type": kind, "data": data}).encode()
        url = f"http://testserver/ingest/qminder/{ws.slug}"
        signature = hmac.new(secret.encode(), url.encode() + body, hashlib.sha256).hexdigest()
        response = await client.post(
            f"/ingest/qminder/{ws.slug}", content=body, headers={"X-Qminder-Signature": signature}
        )
        assert response.status_code == 200, response.text

    result = await gql(QUEUE_HISTORY, key=key)
    assert "errors" not in result, result
    [node] = result["data"]["tickets"]["nodes"]
    assert node["state"] == "RESOLVED"
    assert node["queueStatus"] == "SERVED"
    assert node["number"] == 7
    assert node["interactions"] == [{"desk": 3}]
    assert [(e["type"], e["fromStatus"], e["toStatus"]) for e in node["history"]["nodes"]] == [
        ("CREATED", None, "NEW"),
        ("CALLED", "NEW", "CALLED"),
        ("SERVED", "CALLED", "SERVED"),
    ]


async def test_the_webhook_answers_the_tickets_global_id(client, gql, db, workspace, key):
    ws = workspace.workspace
    secret = await set_webhook_secret(db, workspace_id=ws.id, vendor="zaia")
    body = (FIXTURES / "zaia_ticket.json").read_bytes()
    answer = await client.post(
        f"/ingest/zaia/{ws.slug}", content=body, headers=_signed(secret, body)
    )
    ticket_id = answer.json()["ticketId"]
    result = await gql("query ($id: ID!) { ticket(id: $id) { id } }", {"id": ticket_id}, key=key)
    assert result == {"data": {"ticket": {"id": ticket_id}}}
