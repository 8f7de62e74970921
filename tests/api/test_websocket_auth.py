"""WebSocket auth: the connection_init payload's key sets the principal for the connection.
Runs the app under a real uvicorn server on a free port, with the websockets client."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
import websockets

from app.config import Settings
from app.context import INVALID_KEY_MESSAGE
from app.main import create_app

pytestmark = pytest.mark.anyio

VIEWER = "{ viewer { role } }"


@pytest.fixture
async def server_url(database_url: str) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(database_url=database_url)), log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


async def _run(url: str, payload: dict, protocol: str = "graphql-transport-ws") -> dict:
    async with websockets.connect(url, subprotocols=[protocol]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
        await ws.send(json.dumps({"id": "1", "type": kind, "payload": {"query": VIEWER}}))
        return json.loads(await ws.recv())  # type: ignore[no-any-return]


@pytest.mark.parametrize("header", ["Authorization", "authorization"])
async def test_key_in_connection_init_authenticates(server_url, workspace, header):
    message = await _run(server_url, {header: f"Bearer {workspace.api_key}"})
    assert message == {
        "id": "1", "type": "next", "payload": {"data": {"viewer": {"role": "ADMIN"}}},
    }  # fmt: skip


async def test_legacy_protocol_checks_the_key(server_url, workspace):
    # The handshake answers: an ack for a live key, an error naming the problem for a dead one.
    answers = []
    for key in (workspace.api_key, "tgw_unknown"):
        async with websockets.connect(server_url, subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
            init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}
            await ws.send(json.dumps(init))
            answers.append(json.loads(await ws.recv()))
    assert answers == [
        {"type": "connection_ack"},
        {
            "type": "connection_error",
            "payload": {"message": INVALID_KEY_MESSAGE, "code": "INVALID_API_KEY"},
        },
    ]


async def test_no_key_gets_unauthenticated_per_field(server_url):
    message = await _run(server_url, {})
    assert message["type"] == "next"
    assert message["payload"]["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_unknown_key_is_rejected(server_url):
    async with websockets.connect(server_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer tgw_x"}})
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
