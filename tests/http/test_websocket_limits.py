"""WebSocket transport limits: connection_init timeout, message size, subscriptions per
socket, idle sockets."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from app.config import Settings
from tests.subscriptions.helpers import Gateway

pytestmark = pytest.mark.anyio


async def gateway(database_url: str, **settings) -> Gateway:
    gw = Gateway(Settings(database_url=database_url, **settings))
    await gw.start()
    return gw


async def closed_code(ws) -> int:
    with pytest.raises(websockets.ConnectionClosed):
        async with asyncio.timeout(5):
            while True:
                await ws.recv()
    return ws.close_code


async def init(ws, key: str) -> None:
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    )
    assert json.loads(await ws.recv())["type"] == "connection_ack"


async def test_connection_init_timeout(database_url):
    gw = await gateway(database_url, ws_init_timeout=0.2)
    try:
        async with websockets.connect(gw.url, subprotocols=["graphql-transport-ws"]) as ws:
            assert await closed_code(ws) == 4408
    finally:
        await gw.stop()


async def test_a_message_over_the_limit_closes_the_socket(database_url, workspace):
    gw = await gateway(database_url, ws_max_message_bytes=500)
    try:
        async with websockets.connect(gw.url, subprotocols=["graphql-transport-ws"]) as ws:
            await init(ws, workspace.api_key)
            query = "subscription { ticketEvents { id } }" + " " * 1000
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            assert await closed_code(ws) == 1009
    finally:
        await gw.stop()


async def test_subscriptions_per_connection_are_limited(database_url, workspace):
    gw = await gateway(database_url, ws_max_subscriptions=1)
    try:
        async with websockets.connect(gw.url, subprotocols=["graphql-transport-ws"]) as ws:
            await init(ws, workspace.api_key)
            payload = {"query": "subscription { ticketEvents { id } }"}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": payload}))
            answer = json.loads(await ws.recv())
    finally:
        await gw.stop()
    assert answer["id"] == "2" and answer["type"] == "error"


async def test_an_idle_socket_is_closed(database_url, workspace):
    gw = await gateway(database_url, ws_idle_timeout=0.5)
    try:
        async with websockets.connect(gw.url, subprotocols=["graphql-transport-ws"]) as ws:
            await init(ws, workspace.api_key)
            assert await closed_code(ws) == 4408
    finally:
        await gw.stop()
