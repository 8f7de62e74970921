"""A DISPLAY key against every root field and every subscription: all FORBIDDEN (checked before
anything runs), but queueBoard and queueBoardChanged; its socket closes when it is revoked."""

from __future__ import annotations

import httpx
import pytest

from app.access.workspaces import authenticate, revoke_api_key
from tests.app_fixtures import GraphQLClient
from tests.floor.helpers import display_key, line
from tests.floor.operations import root_operations
from tests.subscriptions.client import WsClient
from tests.subscriptions.helpers import wait_live

pytestmark = pytest.mark.anyio

BOARD_FIELDS = {"queueBoard", "queueBoardChanged"}
QUERIES = root_operations("query")
MUTATIONS = root_operations("mutation")
SUBSCRIPTIONS = root_operations("subscription")
FORBIDDEN_HTTP = {
    name: doc for name, doc in {**QUERIES, **MUTATIONS}.items() if name not in BOARD_FIELDS
}


def test_the_lists_cover_the_schema():
    assert {"tickets", "node", "viewer", "apiKeys", "queueBoard"} <= set(QUERIES)
    assert {"createApiKey", "callNextTicket", "createLine"} <= set(MUTATIONS)
    assert set(SUBSCRIPTIONS) == {"ticketEvents", "ticketStatusChanged", "queueBoardChanged"}


@pytest.fixture
async def board_key(gql, key) -> str:
    return await display_key(gql, key, [await line(gql, key)])


@pytest.mark.parametrize("field", sorted(FORBIDDEN_HTTP))
async def test_every_other_root_field_is_forbidden(gql, db, board_key, field):
    answer = await gql(FORBIDDEN_HTTP[field], key=board_key)
    assert answer.get("data") in (None, {field: None}), answer
    assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [
        ([field], "FORBIDDEN")
    ], answer


async def test_the_board_query_is_allowed(gql, board_key):
    answer = await gql(QUERIES["queueBoard"], key=board_key)
    assert answer == {"data": {"queueBoard": {"__typename": "QueueBoard"}}}


async def gateway_board_key(gateway, admin_key: str) -> str:
    """A DISPLAY key made through the gateway's own HTTP side."""
    base = gateway.url.replace("ws://", "http://").removesuffix("/graphql")
    async with httpx.AsyncClient(base_url=base) as http:
        client = GraphQLClient(http)
        return await display_key(client, admin_key, [await line(client, admin_key)])


@pytest.mark.parametrize("field", sorted(set(SUBSCRIPTIONS) - BOARD_FIELDS))
async def test_every_other_subscription_is_forbidden(gateway, key, field):
    ws = await WsClient.connect(gateway.url, await gateway_board_key(gateway, key))
    await ws.subscribe(SUBSCRIPTIONS[field])
    payload = await ws.next_payload()
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["FORBIDDEN"], payload
    await ws.close()


async def test_board_subscription_is_allowed_and_revoking_closes_it(gateway, db, key):
    board = await gateway_board_key(gateway, key)
    ws = await WsClient.connect(gateway.url, board)
    await ws.subscribe(SUBSCRIPTIONS["queueBoardChanged"])
    first = await ws.next_payload()
    assert first == {"data": {"queueBoardChanged": {"__typename": "QueueBoard"}}}
    await wait_live(gateway, 1)
    principal = await authenticate(db, board)
    assert principal is not None and principal.line_ids is not None
    await revoke_api_key(db, workspace_id=principal.workspace_id, key_id=principal.key_id)
    assert await ws.close_code(timeout=5) == 4403
