"""An event is delivered whole, in order, once, or not yet: when resolving it fails because the
database is down, the subscription tries again and, failing that, closes the socket with 1013
before the client's cursor passes it. Never `data: null`, on either WebSocket protocol.

Two ways to fail: a driver that refuses every statement for a while (on the suite's database,
SQLite or PostgreSQL), and a real PostgreSQL outage of a cluster of the test's own, stopped
while an event is being resolved.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.access.workspaces import NewWorkspace, create_workspace
from app.config import Settings
from app.db.engine import Database
from app.domain.cursors import decode_event_cursor, encode_event_cursor
from app.live.service_env import ServiceEnv
from app.loaders.statements import LoaderStatement
from schema.subscriptions import event_retry
from tests.faults.clusters import PostgresCluster
from tests.faults.injected import RefusingDatabase
from tests.subscriptions.client import EVENTS, LEGACY_WS, TRANSPORT_WS, Closed, WsClient
from tests.subscriptions.helpers import Desk, Gateway, wait_live
from tests.subscriptions.sse_client import http_url, open_stream, take

pytestmark = pytest.mark.anyio

PROTOCOLS = [TRANSPORT_WS, LEGACY_WS]


def _seq(event: dict[str, Any]) -> int:
    return decode_event_cursor(event["cursor"])


async def _whole_events(client: WsClient, count: int) -> list[dict[str, Any]]:
    """`count` events, each checked whole: no errors, the ticket and its state resolved."""
    events = []
    for _ in range(count):
        payload = await client.next_payload()
        assert "errors" not in payload, payload
        event = payload["data"]["ticketEvents"]
        assert event["ticket"]["id"] and event["ticket"]["state"], payload
        events.append(event)
    return events


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_retry, "RETRY_DELAYS", (0.05, 0.1, 0.2))


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_failed_resolution_is_retried_and_the_event_arrives_whole(
    gateway, desk, workspace, monkeypatch, quick_retries, protocol
):
    start = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    client = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await client.subscribe(EVENTS, after=start)
    await desk.status_changes(1)
    [first] = await _whole_events(client, 1)

    refusing = RefusingDatabase(monkeypatch, failures=2)
    await desk.status_changes(2)
    rest = await _whole_events(client, 2)
    assert refusing.refused == 2  # it did fail, twice, and the retries covered it
    assert [_seq(e) for e in [first, *rest]] == [_seq({"cursor": start}) + i for i in (1, 2, 3)]
    await client.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_when_retries_fail_the_socket_closes_1013_and_resume_delivers_the_event(
    gateway, desk, workspace, monkeypatch, quick_retries, protocol
):
    start = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    client = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await client.subscribe(EVENTS, after=start)
    await desk.status_changes(1)
    [seen] = await _whole_events(client, 1)

    refusing = RefusingDatabase(monkeypatch)
    refusing.down()
    await desk.status_changes(2)
    # The next thing the client gets is the close: no `next` for the events it could not have.
    with pytest.raises(Closed) as closed:
        await client.recv()
    assert closed.value.code == 1013
    assert refusing.refused >= 1 + len(event_retry.RETRY_DELAYS)

    refusing.up()
    again = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await again.subscribe(EVENTS, after=seen["cursor"])
    rest = await _whole_events(again, 2)
    assert [_seq(e) for e in [seen, *rest]] == [_seq(seen), _seq(seen) + 1, _seq(seen) + 2]
    await again.close()


async def test_over_sse_the_stream_ends_without_the_event_and_last_event_id_resumes_it(
    gateway, desk, workspace, monkeypatch, quick_retries
):
    """graphql-sse's 1013: the stream ends with neither the spoiled event nor `complete`, so
    the client reconnects with the last id it saw and gets that event whole."""
    url = http_url(gateway.url)
    start = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    async with open_stream(url, EVENTS, workspace.api_key, last_event_id=start) as stream:
        await desk.status_changes(1)
        [seen] = await take(stream, 1)
        refusing = RefusingDatabase(monkeypatch)
        refusing.down()
        await desk.status_changes(2)
        after_outage = await take(stream, 1)  # the stream ends: nothing more to take
    assert after_outage == []
    assert refusing.refused >= 1 + len(event_retry.RETRY_DELAYS)

    refusing.up()
    async with open_stream(url, EVENTS, workspace.api_key, last_event_id=seen.id) as stream:
        rest = await take(stream, 2)
    events = [e.data["data"]["ticketEvents"] for e in (seen, *rest)]
    assert all(e["ticket"]["id"] and e["ticket"]["state"] for e in events)
    assert [_seq(e) for e in events] == [_seq(events[0]) + i for i in (0, 1, 2)]
    assert [e.id for e in rest] == [e["cursor"] for e in events[1:]]


# --- a real outage, on a cluster of the test's own -------------------------------------------


class HeldResolution:
    """Holds the next loader statement until released: the test stops the database meanwhile."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.armed = False
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        original = LoaderStatement.rows

        async def rows(statement: LoaderStatement, db: Database, params: dict[str, Any]) -> Any:
            if self.armed:
                self.armed = False
                self.reached.set()
                await self.release.wait()
            return await original(statement, db, params)

        monkeypatch.setattr(LoaderStatement, "rows", rows)


@pytest.fixture
async def own_gateway(pg: PostgresCluster) -> AsyncIterator[tuple[Gateway, NewWorkspace, Desk]]:
    db = Database(pg.url)
    workspace = await create_workspace(db, name="Outage", slug=f"outage-{uuid.uuid4().hex[:8]}")
    gateway = Gateway(Settings(database_url=pg.url, poll_interval=0.2))
    await gateway.start()
    try:
        yield gateway, workspace, await Desk.open(ServiceEnv(db), workspace)
    finally:
        await gateway.stop()
        await db.dispose()


async def _hold_an_event_and_stop_postgres(
    pg: PostgresCluster, held: HeldResolution, desk: Desk
) -> None:
    held.armed = True
    await desk.status_changes(1)
    await asyncio.wait_for(held.reached.wait(), 10)
    await asyncio.to_thread(pg.stop, "fast")
    held.release.set()


@pytest.mark.postgres
@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_outage_longer_than_the_retries_closes_1013_then_resume_misses_nothing(
    pg, own_gateway, monkeypatch, quick_retries, protocol
):
    gateway, workspace, desk = own_gateway
    client = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await client.subscribe(EVENTS, after=encode_event_cursor(0))
    await wait_live(gateway, 1)
    held = HeldResolution(monkeypatch)
    await _hold_an_event_and_stop_postgres(pg, held, desk)

    with pytest.raises(Closed) as closed:
        await client.recv()
    assert closed.value.code == 1013

    await asyncio.to_thread(pg.start)
    again = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await again.subscribe(EVENTS, after=encode_event_cursor(0))
    [event] = await _whole_events(again, 1)
    assert _seq(event) == 1
    await again.close()


@pytest.mark.postgres
async def test_outage_shorter_than_the_retries_delivers_the_event_on_the_same_socket(
    pg, own_gateway, monkeypatch
):
    monkeypatch.setattr(event_retry, "RETRY_DELAYS", (1.0, 1.0, 2.0, 4.0))
    gateway, workspace, desk = own_gateway
    start = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(EVENTS, after=start)
    await wait_live(gateway, 1)
    held = HeldResolution(monkeypatch)
    await _hold_an_event_and_stop_postgres(pg, held, desk)
    await asyncio.sleep(0.3)
    await asyncio.to_thread(pg.start)  # while the subscription waits to try again

    [event] = await _whole_events(client, 1)
    assert _seq(event) == _seq({"cursor": start}) + 1
    await client.close()
