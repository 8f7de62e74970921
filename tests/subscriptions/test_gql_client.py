"""A third-party client: `gql` (PyPI) over graphql-transport-ws, resuming from a cursor."""

from __future__ import annotations

import asyncio

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from app.domain.cursors import decode_event_cursor, encode_event_cursor

pytestmark = pytest.mark.anyio

SUBSCRIPTION = (
    "subscription ($after: String) { ticketStatusChanged(after: $after) "
    "{ cursor type toStatus ticket { id } } }"
)


async def test_gql_client_receives_status_changes(gateway, desk, workspace):
    start = await gateway.app.state.feed.latest_seq(workspace.workspace.id)
    transport = WebsocketsTransport(
        url=gateway.url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"Authorization": f"Bearer {workspace.api_key}"},
    )
    received = []
    async with Client(transport=transport) as session:

        async def read() -> None:
            params = {"after": encode_event_cursor(start)}
            request = GraphQLRequest(SUBSCRIPTION, variable_values=params)
            async for result in session.subscribe(request):
                received.append(result["ticketStatusChanged"])
                if len(received) == 6:
                    return

        reader = asyncio.create_task(read())
        await desk.status_changes(6)
        await asyncio.wait_for(reader, 15)
    assert [(decode_event_cursor(e["cursor"]) - start, e["toStatus"]) for e in received] == [
        (1, "NEW"), (2, "CALLED"), (3, "SERVED"), (4, "NEW"), (5, "CALLED"), (6, "SERVED"),
    ]  # fmt: skip
