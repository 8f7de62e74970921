"""queueBoardChanged when the database goes away: never `data: null` or an error payload for
an outage. Down while a board is being read: the socket closes with 1013 and resuming from
the last cursor brings the change. Down before the change is even read: nothing is sent until
the database is back, then the board with the change."""

from __future__ import annotations

import asyncio

import pytest

import app.floor.board_feed as board_feed
from app.db.engine import Database
from app.live.service_env import ServiceEnv
from schema.ids import encode_id
from tests.faults.injected import RefusingDatabase
from tests.subscriptions.client import Closed, WsClient
from tests.subscriptions.helpers import Desk, wait_live

pytestmark = pytest.mark.anyio

CHANGED = """subscription Outage($lines: [ID!], $after: String) {
  queueBoardChanged(lineIds: $lines, after: $after) { cursor waiting { position } } }"""


async def _board(client: WsClient) -> dict:
    payload = await client.next_payload()
    assert "errors" not in payload and payload["data"]["queueBoardChanged"], payload
    return payload["data"]["queueBoardChanged"]  # type: ignore[no-any-return]


async def test_down_while_reading_a_board_closes_1013_and_resume_brings_it(
    gateway, desk, workspace, monkeypatch
):
    lines = [encode_id("Line", desk.line_id)]
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(CHANGED, lines=lines)
    first = await _board(client)
    await wait_live(gateway, 1)

    refusing = RefusingDatabase(monkeypatch, gateway.app.state.env.db)
    real = board_feed.read_board

    async def outage_now(*args, **kwargs):  # type: ignore[no-untyped-def]
        refusing.down()  # the database goes away as the board is read
        return await real(*args, **kwargs)

    monkeypatch.setattr(board_feed, "read_board", outage_now)
    writer = Database(str(gateway.settings.database_url))
    try:
        other_desk = Desk(
            ServiceEnv(writer, gateway.app.state.env.broker), desk.principal, desk.line_id
        )
        await other_desk.create()
        with pytest.raises(Closed) as closed:
            await client.recv()
        assert closed.value.code == 1013
    finally:
        await writer.dispose()
    monkeypatch.setattr(board_feed, "read_board", real)
    refusing.up()
    refusing.remove()

    again = await WsClient.connect(gateway.url, workspace.api_key)
    await again.subscribe(CHANGED, lines=lines, after=first["cursor"])
    resumed = await _board(again)
    assert resumed["waiting"] == [{"position": 1}] and first["waiting"] == []
    await again.close()


async def test_down_before_the_change_is_read_sends_nothing_until_it_is_back(
    gateway, desk, workspace, monkeypatch
):
    lines = [encode_id("Line", desk.line_id)]
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(CHANGED, lines=lines)
    await _board(client)
    await wait_live(gateway, 1)

    refusing = RefusingDatabase(monkeypatch, gateway.app.state.env.db)
    refusing.down()
    writer = Database(str(gateway.settings.database_url))
    try:
        other_desk = Desk(
            ServiceEnv(writer, gateway.app.state.env.broker), desk.principal, desk.line_id
        )
        await other_desk.create()
        with pytest.raises(TimeoutError):  # nothing at all while it is down
            await asyncio.wait_for(client.next_payload(), 1.5)
        refusing.up()
        refusing.remove()
        back = await _board(client)  # the feed's next poll reads it
        assert back["waiting"] == [{"position": 1}]
    finally:
        await writer.dispose()
    await client.close()
