"""The transport-level fan-out (app/live/fanout.py) over real sockets: caught-up
graphql-transport-ws subscribers get their frames from their group, the same frames the
ordinary path sends, each event once and in order; a subscriber replaying from an old cursor
joins the live group without a gap or a duplicate; selections and roles are never mixed; a
revoked key still closes its socket."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from app.access.workspaces import authenticate, create_api_key, revoke_api_key
from app.domain.cursors import decode_event_cursor as _seq
from app.domain.cursors import encode_event_cursor
from app.domain.enums import Role
from schema.subscriptions.multiplex import resolved_events
from tests.subscriptions.client import EVENTS, LEGACY_WS, WsClient
from tests.subscriptions.helpers import wait_live

pytestmark = pytest.mark.anyio

ONLY_TYPES = "subscription { ticketEvents { cursor type } }"


async def _wait(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def _nothing_more(client: WsClient) -> bool:
    try:
        await asyncio.wait_for(client.ws.recv(), 0.5)
    except TimeoutError:
        return True
    return False


async def test_caught_up_subscribers_get_the_ordinary_frames_from_their_group(
    gateway, desk, workspace
):
    feed = gateway.app.state.feed
    grouped = [await WsClient.connect(gateway.url, workspace.api_key) for _ in range(6)]
    for client in grouped:
        await client.subscribe(EVENTS)
    ordinary = await WsClient.connect(gateway.url, workspace.api_key, LEGACY_WS)
    await ordinary.subscribe(EVENTS)  # graphql-ws: never in a group, the reference
    await wait_live(gateway, 7)
    await _wait(lambda: feed.stats().grouped == 6)
    assert feed.stats().groups == 1
    start = await feed.latest_seq(workspace.workspace.id)
    before = resolved_events.resolutions

    readers = [asyncio.create_task(c.raw_results(6)) for c in grouped]
    reference = asyncio.create_task(ordinary.events(6))
    await desk.status_changes(6)
    frames = await asyncio.gather(*readers)
    expected = await reference

    assert resolved_events.resolutions - before == 6  # once per event, for the group and all
    for raw_frames in frames:
        messages = [json.loads(raw) for raw in raw_frames]
        assert [m["payload"]["data"]["ticketEvents"] for m in messages] == expected
        # what the handler itself would have sent: the view's encoding, the operation's id
        assert raw_frames == [json.dumps(m, separators=(",", ":")) for m in messages]
        assert all(m["id"] == "1" and m["type"] == "next" for m in messages)
    assert [_seq(e["cursor"]) for e in expected] == list(range(start + 1, start + 7))
    assert all(await asyncio.gather(*(_nothing_more(c) for c in grouped)))  # each once
    assert feed.stats().grouped == 6
    async with httpx.AsyncClient() as http:
        scraped = (await http.get(f"http://127.0.0.1:{gateway.port}/metrics")).text
    assert "ticketgw_subscriptions_grouped 6.0" in scraped
    for client in [*grouped, ordinary]:
        await client.close()


async def test_a_subscriber_from_an_old_cursor_catches_up_then_joins_the_live_group(
    gateway, desk, workspace
):
    feed = gateway.app.state.feed
    old = encode_event_cursor(await feed.latest_seq(workspace.workspace.id))
    await desk.status_changes(9)  # what the late subscriber replays
    live = [await WsClient.connect(gateway.url, workspace.api_key) for _ in range(3)]
    for client in live:
        await client.subscribe(EVENTS)
    await _wait(lambda: feed.stats().grouped == 3)
    middle = await feed.latest_seq(workspace.workspace.id)

    writes = asyncio.create_task(desk.status_changes(30))  # the group is live meanwhile
    late = await WsClient.connect(gateway.url, workspace.api_key)
    await late.subscribe(EVENTS, after=old)
    theirs = asyncio.gather(*(c.events(30) for c in live))
    mine = await late.events(39)
    await writes
    got = await theirs
    await _wait(lambda: feed.stats().grouped == 4)  # it joined once caught up
    more = asyncio.gather(*(c.events(3) for c in live))
    await desk.status_changes(3)
    after_join = await late.events(3)
    assert all(events == after_join for events in await more)

    seqs = [_seq(e["cursor"]) for e in mine + after_join]
    assert seqs == list(range(_seq(old) + 1, _seq(old) + 43))  # in order, none twice, no gap
    for events in got:
        assert [_seq(e["cursor"]) for e in events] == list(range(middle + 1, middle + 31))
        assert events == mine[9:]
    assert all(await asyncio.gather(*(_nothing_more(c) for c in [*live, late])))
    for client in [*live, late]:
        await client.close()


async def test_selections_and_roles_get_groups_of_their_own(gateway, db, desk, workspace):
    feed = gateway.app.state.feed
    _row, read_key = await create_api_key(
        db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.READ
    )
    full = [await WsClient.connect(gateway.url, workspace.api_key) for _ in range(2)]
    types = [await WsClient.connect(gateway.url, workspace.api_key) for _ in range(2)]
    reader = await WsClient.connect(gateway.url, read_key)
    created = await WsClient.connect(gateway.url, workspace.api_key)
    for client in [*full, reader]:
        await client.subscribe(EVENTS)
    for client in types:
        await client.subscribe(ONLY_TYPES)
    await created.subscribe(EVENTS, filter={"types": ["CREATED"]})
    await _wait(lambda: feed.stats().grouped == 6)
    # full selection x admin, types x admin, full x read, full x admin x only CREATED
    assert feed.stats().groups == 4

    tasks = [asyncio.create_task(c.events(3)) for c in [*full, *types, reader]]
    only_created = asyncio.create_task(created.events(1))
    await desk.status_changes(3)  # create, call, serve
    a, b, c, d, r = await asyncio.gather(*tasks)

    assert [e["type"] for e in await only_created] == ["CREATED"]
    assert await _nothing_more(created)  # nothing of the other group's
    assert a == b and c == d
    assert all(set(e) == {"cursor", "type"} for e in c)
    assert [e["cursor"] for e in c] == [e["cursor"] for e in a] == [e["cursor"] for e in r]
    assert all("ticket" in e and "actor" in e for e in a + r)
    for client in [*full, *types, reader, created]:
        await client.close()


async def test_a_revoked_key_closes_its_grouped_socket_and_the_group_goes_on(
    gateway, db, desk, workspace
):
    feed = gateway.app.state.feed
    _row, other_key = await create_api_key(
        db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.ADMIN
    )
    doomed = await WsClient.connect(gateway.url, other_key)
    stays = await WsClient.connect(gateway.url, workspace.api_key)
    for client in (doomed, stays):
        await client.subscribe(EVENTS)
    await _wait(lambda: feed.stats().grouped == 2)
    assert feed.stats().groups == 1  # same role and selection: one group for both keys
    principal = await authenticate(db, other_key)
    assert principal is not None
    await revoke_api_key(db, workspace_id=workspace.workspace.id, key_id=principal.key_id)

    assert await doomed.close_code(timeout=5) == 4403
    await _wait(lambda: feed.stats().subscribers == 1)
    staying = asyncio.create_task(stays.events(3))
    await desk.status_changes(3)
    assert len(await staying) == 3
    assert feed.stats().grouped == 1
    await stays.close()


async def test_complete_ends_a_grouped_subscription_and_nothing_follows(gateway, desk, workspace):
    feed = gateway.app.state.feed
    client = await WsClient.connect(gateway.url, workspace.api_key)
    first = await client.subscribe(EVENTS)
    second = await client.subscribe(ONLY_TYPES)
    await _wait(lambda: feed.stats().grouped == 2)
    await client.ws.send(json.dumps({"id": first, "type": "complete"}))
    await _wait(lambda: feed.stats().subscribers == 1)
    await desk.status_changes(2)
    messages = [json.loads(raw) for raw in await client.raw_results(2)]
    assert [m["id"] for m in messages] == [second, second]
    assert await _nothing_more(client)
    await client.close()
