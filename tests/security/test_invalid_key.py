"""A key that is unknown or revoked gets its own code and message (INVALID_API_KEY), distinct
from no key at all (UNAUTHENTICATED), over HTTP and WebSocket; neither runs anything."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import websockets
from sqlalchemy import func, select

from app.access.workspaces import create_api_key, revoke_api_key
from app.config import Settings
from app.context import INVALID_KEY_MESSAGE, UNAUTHENTICATED_MESSAGE
from app.db import Line
from app.domain.enums import Role
from tests.subscriptions.helpers import Gateway

pytestmark = pytest.mark.anyio

ANSWER_WITHIN = 10  # seconds: a missing answer fails the test instead of hanging it

VIEWER = "{ viewer { role } }"
CREATE_LINE = 'mutation { createLine(input: {name: "Never"}) { line { id } } }'
NO_KEY = {"message": UNAUTHENTICATED_MESSAGE, "code": "UNAUTHENTICATED"}
DEAD_KEY = {"message": INVALID_KEY_MESSAGE, "code": "INVALID_API_KEY"}


def _refusal(result: dict) -> dict:
    (error,) = result["errors"]
    return {"message": error["message"], "code": error["extensions"]["code"]}


async def _lines(db, workspace_id: int) -> int:
    async with db.read_session() as session:
        stmt = select(func.count()).select_from(Line).where(Line.workspace_id == workspace_id)
        return int((await session.execute(stmt)).scalar_one())


async def test_no_key_unknown_key_and_revoked_key_over_http(gql, db, workspace):
    _row, revoked = await create_api_key(
        db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.ADMIN
    )
    await revoke_api_key(db, workspace_id=workspace.workspace.id, key_id=_row.id)  # type: ignore[arg-type]
    answers = {
        "none": _refusal(await gql(VIEWER)),
        "unknown": _refusal(await gql(VIEWER, key="tgw_never-issued")),
        "revoked": _refusal(await gql(VIEWER, key=revoked)),
        "revoked, mutation": _refusal(await gql(CREATE_LINE, key=revoked)),
    }
    assert answers == {
        "none": NO_KEY,
        "unknown": DEAD_KEY,
        "revoked": DEAD_KEY,
        "revoked, mutation": DEAD_KEY,
    }
    assert await _lines(db, workspace.workspace.id) == 0  # type: ignore[arg-type]


@pytest.fixture
async def gateway(database_url: str) -> AsyncIterator[Gateway]:
    gw = Gateway(Settings(database_url=database_url))
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


async def _init(gateway: Gateway, protocol: str, payload: dict) -> websockets.ClientConnection:
    ws = await websockets.connect(gateway.url, subprotocols=[protocol])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


# A lone surrogate can't be encoded: it used to fail the key lookup itself.
@pytest.mark.parametrize("key", ["tgw_never-issued", "tgw_\ud800"], ids=["unknown", "surrogate"])
async def test_graphql_transport_ws_closes_a_dead_key_saying_so(gateway, key):
    ws = await _init(gateway, "graphql-transport-ws", {"Authorization": f"Bearer {key}"})
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), ANSWER_WITHIN)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, INVALID_KEY_MESSAGE)


async def test_websocket_without_a_key_is_told_a_key_is_required(gateway):
    async with await _init(gateway, "graphql-transport-ws", {}) as ws:
        assert (
            json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))["type"] == "connection_ack"
        )
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": VIEWER}}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
    assert _refusal(answer["payload"]) == NO_KEY


async def test_legacy_graphql_ws_names_a_dead_key_in_connection_error(gateway):
    async with await _init(gateway, "graphql-ws", {"Authorization": "Bearer tgw_nope"}) as ws:
        answer = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
    assert answer == {"type": "connection_error", "payload": DEAD_KEY}
