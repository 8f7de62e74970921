"""A key of workspace A reaches nothing of workspace B: queries, node, mutations, API keys,
subscriptions, webhooks (secrets are per workspace) and rate-limit buckets."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from pathlib import Path

import httpx
import pytest
import websockets
from sqlalchemy import select

from app.access.workspaces import set_webhook_secret
from app.config import Settings
from app.db import ApiKey, Ticket
from schema.ids import encode_id
from tests.factories import Factory
from tests.security.conftest import post
from tests.subscriptions.helpers import Gateway, wait_live

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parents[1] / "connectors" / "fixtures"


async def two_workspaces(db, make_workspace):
    a, b = await make_workspace(), await make_workspace()
    factory_b = Factory(db, b.workspace.id)
    line_b = await factory_b.line()
    ticket_b = await factory_b.queue_ticket(line_b, first_name="Bea")
    return a, b, line_b, ticket_b


async def test_queries_node_and_mutations_stay_in_the_workspace(gql, db, make_workspace):
    a, _b, line_b, ticket_b = await two_workspaces(db, make_workspace)
    ticket_id, line_id = encode_id("Ticket", ticket_b.id), encode_id("Line", line_b.id)
    read = await gql(
        "query($id: ID!) { node(id: $id) { id } tickets { totalCount } lines { name } }",
        {"id": ticket_id},
        key=a.api_key,
    )
    assert read["data"] == {"node": None, "tickets": {"totalCount": 0}, "lines": []}
    cancel = await gql(
        "mutation($id: ID!) { cancelTicket(input: {id: $id}) { ticket { id } errors { code } } }",
        {"id": ticket_id},
        key=a.api_key,
    )
    create = await gql(
        'mutation($l: ID!) { createQueueTicket(input: {lineId: $l, firstName: "X"}) '
        "{ ticket { id } errors { code } } }",
        {"l": line_id},
        key=a.api_key,
    )
    assert cancel["data"]["cancelTicket"] == {"ticket": None, "errors": [{"code": "NOT_FOUND"}]}
    assert create["data"]["createQueueTicket"]["errors"] == [{"code": "NOT_FOUND"}]
    async with db.read_session() as session:
        row = await session.get(Ticket, ticket_b.id)
        count = len(
            (await session.execute(select(Ticket.id).where(Ticket.line_id == line_b.id))).all()
        )
    assert row.status == "NEW" and count == 1


async def test_api_keys_of_another_workspace_are_out_of_reach(gql, db, make_workspace):
    a, b = await make_workspace(), await make_workspace()
    async with db.read_session() as session:
        b_key = (
            await session.execute(select(ApiKey).where(ApiKey.workspace_id == b.workspace.id))
        ).scalar_one()
    b_key_id = encode_id("ApiKey", b_key.id)
    listed = await gql("{ apiKeys { id } }", key=a.api_key)
    assert b_key_id not in json.dumps(listed)
    for mutation in ("rotateApiKey", "revokeApiKey"):
        body = await gql(
            f"mutation($id: ID!) {{ {mutation}(input: {{id: $id}}) {{ errors {{ code }} }} }}",
            {"id": b_key_id},
            key=a.api_key,
        )
        assert body["data"][mutation]["errors"] == [{"code": "NOT_FOUND"}]
    viewer = await gql("{ viewer { role } }", key=b.api_key)
    assert viewer["data"] == {"viewer": {"role": "ADMIN"}}  # B's key still works


async def test_a_webhook_signed_with_another_workspaces_secret_is_refused(
    client, gql, db, make_workspace
):
    a, b = await make_workspace(), await make_workspace()
    secret_a = await set_webhook_secret(db, workspace_id=a.workspace.id, vendor="gorgias")
    await set_webhook_secret(db, workspace_id=b.workspace.id, vendor="gorgias")
    body = (FIXTURES / "gorgias_ticket.json").read_bytes()
    digest = hmac.new(secret_a.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Ticketgw-Signature": f"sha256={digest}", "Content-Type": "application/json"}
    response = await client.post(
        f"/ingest/gorgias/{b.workspace.slug}", content=body, headers=headers
    )
    assert response.status_code == 401
    totals = await gql("{ tickets { totalCount } }", key=b.api_key)
    assert totals["data"]["tickets"]["totalCount"] == 0


async def test_rate_limit_buckets_are_per_key(make_client, make_workspace):
    a, b = await make_workspace(), await make_workspace()
    query = "{ tickets(first: 10) { nodes { id assignee { name } } } }"  # 21 points
    async with make_client(rate_limit=40) as http:
        await post(http, query, a.api_key)
        drained = (await post(http, query, a.api_key)).json()
        other = (await post(http, query, b.api_key)).json()
    assert drained["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "errors" not in other


async def test_subscriptions_hear_only_their_workspace(database_url, db, make_workspace):
    a, b = await make_workspace(), await make_workspace()
    line_a = await Factory(db, a.workspace.id).line()
    line_b = await Factory(db, b.workspace.id).line()
    gateway = Gateway(Settings(database_url=database_url))
    await gateway.start()
    create = (
        'mutation($l: ID!) { createQueueTicket(input: {lineId: $l, firstName: "%s"}) '
        "{ errors { code } } }"
    )
    try:
        async with websockets.connect(gateway.url, subprotocols=["graphql-transport-ws"]) as ws:
            auth = {"Authorization": f"Bearer {a.api_key}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            query = "subscription { ticketEvents { ticket { title } } }"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            await wait_live(gateway, 1)  # "from now" starts once the subscription is live
            base = f"http://127.0.0.1:{gateway.port}/graphql"
            async with httpx.AsyncClient() as http:
                for key, line, name in ((b.api_key, line_b, "B"), (a.api_key, line_a, "A")):
                    await http.post(
                        base,
                        json={
                            "query": create % name,
                            "variables": {"l": encode_id("Line", line.id)},
                        },
                        headers={"Authorization": f"Bearer {key}"},
                    )
            async with asyncio.timeout(5):
                first = json.loads(await ws.recv())
    finally:
        await gateway.stop()
    assert first["type"] == "next"
    assert first["payload"]["data"]["ticketEvents"]["ticket"]["title"].startswith("A")
