"""Queries and mutations over both WebSocket protocols, with Python's `gql` client as its users
run it: `WebsocketsTransport(url)` offers the legacy graphql-ws first (the server takes it),
and fetches the schema over the socket before anything else."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

pytestmark = pytest.mark.anyio

ANSWER_WITHIN = 10  # seconds: a missing answer fails the test instead of hanging it

VIEWER = GraphQLRequest("query Viewer { viewer { role workspace { slug } } }")
CREATE_LINE = GraphQLRequest(
    "mutation NewLine($name: String!) "
    "{ createLine(input: {name: $name}) { line { name } errors { code } } }",
    variable_values={"name": "Over WS"},
)
PROTOCOLS = {
    "default (legacy graphql-ws)": None,
    "graphql-transport-ws": [WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
}


@pytest.mark.parametrize("subprotocols", PROTOCOLS.values(), ids=PROTOCOLS.keys())
async def test_gql_client_runs_a_query_and_a_mutation(gateway, workspace, subprotocols):
    # given
    options = {"subprotocols": subprotocols} if subprotocols else {}
    transport = WebsocketsTransport(
        url=gateway.url, init_payload={"Authorization": f"Bearer {workspace.api_key}"}, **options
    )
    # when
    async with Client(transport=transport, fetch_schema_from_transport=True) as session:
        viewer = await session.execute(VIEWER)
        created = await session.execute(CREATE_LINE)
        protocol = transport.subprotocol
    # then
    assert protocol == (subprotocols or ["graphql-ws"])[0]
    assert viewer == {"viewer": {"role": "ADMIN", "workspace": {"slug": workspace.workspace.slug}}}
    assert created == {"createLine": {"line": {"name": "Over WS"}, "errors": []}}


async def test_legacy_protocol_answers_a_query_with_data_then_complete(gateway, workspace):
    async with websockets.connect(gateway.url, subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
        init = {"Authorization": f"Bearer {workspace.api_key}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN)) == {
            "type": "connection_ack"
        }
        start = {"id": "q", "type": "start", "payload": {"query": "{ viewer { role } }"}}
        await ws.send(json.dumps(start))
        answers = [json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN)) for _ in range(2)]
        # A document that can't run is one `error` for its id, and the socket stays usable.
        await ws.send(json.dumps({"id": "bad", "type": "start", "payload": {"query": "{ nope }"}}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
    assert answers == [
        {"type": "data", "id": "q", "payload": {"data": {"viewer": {"role": "ADMIN"}}}},
        {"type": "complete", "id": "q"},
    ]
    assert (refused["type"], refused["id"]) == ("error", "bad")
    assert "nope" in refused["payload"]["message"]


@pytest.mark.parametrize(
    ("protocol", "start"), [("graphql-transport-ws", "subscribe"), ("graphql-ws", "start")]
)
async def test_a_bad_argument_is_refused_over_websocket_too(gateway, workspace, protocol, start):
    # The same check as over HTTP, for a subscription's arguments: NUL never reaches the log's
    # query (PostgreSQL would fail it), whichever protocol carries it.
    document = "subscription ($f: TicketEventFilter) { ticketEvents(filter: $f) { id } }"
    variables = {"f": {"ticketIds": ["VGlja2V0OjE=\x00"]}}
    async with websockets.connect(gateway.url, subprotocols=[protocol]) as ws:  # type: ignore[list-item]
        init = {"Authorization": f"Bearer {workspace.api_key}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert (
            json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))["type"] == "connection_ack"
        )
        payload = {"query": document, "variables": variables}
        await ws.send(json.dumps({"id": "s", "type": start, "payload": payload}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
    errors = answer["payload"] if isinstance(answer["payload"], list) else [answer["payload"]]
    assert (answer["type"], [e["extensions"] for e in errors]) == (
        "error",
        [{"code": "BAD_USER_INPUT", "field": "filter.ticketIds[0]"}],
    )
