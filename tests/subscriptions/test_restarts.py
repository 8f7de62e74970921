"""Restarts: the gateway (clients see 1012 and resume with their cursor) and Redis mid-stream
(a private redis-server; the log is the truth, so nothing is lost)."""

from __future__ import annotations

import asyncio

import pytest

from app.config import Settings
from app.domain.cursors import decode_event_cursor, encode_event_cursor
from app.live.broker import create_broker
from app.live.service_env import ServiceEnv
from tests.helpers_redis import private_redis  # noqa: F401 (fixture)
from tests.subscriptions.client import EVENTS, LEGACY_WS, TRANSPORT_WS, WsClient
from tests.subscriptions.helpers import Desk, Gateway

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_gateway_restart_closes_with_1012_and_resume_misses_nothing(
    gateway, db, workspace, protocol
):
    writer = await Desk.open(ServiceEnv(db, None), workspace)  # outlives the gateway
    start = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    client = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await client.subscribe(EVENTS, after=start)
    await writer.status_changes(3)
    seen = await client.events(3)

    stopping = asyncio.create_task(gateway.stop())
    assert await client.close_code() == 1012
    await stopping
    await writer.status_changes(3)  # while the gateway is down
    await gateway.start()

    again = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await again.subscribe(EVENTS, after=seen[-1]["cursor"])
    await writer.status_changes(2)
    rest = await again.events(5)
    seqs = [decode_event_cursor(e["cursor"]) for e in seen + rest]
    assert seqs == list(range(decode_event_cursor(start) + 1, decode_event_cursor(start) + 9))
    await again.close()


async def test_redis_restart_mid_stream_delivers_everything(
    database_url,
    db,
    make_workspace,
    private_redis,  # noqa: F811
):
    workspace = await make_workspace()
    settings = Settings(database_url=database_url, broker_url=private_redis.url, poll_interval=0.5)
    gateway = Gateway(settings)
    await gateway.start()
    broker = create_broker(private_redis.url)
    await broker.connect()
    try:
        writer = await Desk.open(ServiceEnv(db, broker), workspace)
        client = await WsClient.connect(gateway.url, workspace.api_key)
        await client.subscribe(EVENTS, after=encode_event_cursor(0))
        await writer.status_changes(20)
        got = await client.events(10)
        await private_redis.restart_after(0.3)
        await writer.status_changes(20)
        got += await client.events(30)
        assert [decode_event_cursor(e["cursor"]) for e in got] == list(range(1, 41))
        await client.close()
    finally:
        await broker.disconnect()
        await gateway.stop()
