"""Delivery over a real WebSocket (uvicorn): order, fan-out, resume, from-now, both protocols,
and the same events and cursors as Query.ticketEvents."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.domain.cursors import decode_event_cursor as _seq
from app.domain.cursors import encode_event_cursor
from tests.subscriptions.client import EVENTS, LEGACY_WS, TRANSPORT_WS, WsClient
from tests.subscriptions.helpers import wait_live

pytestmark = pytest.mark.anyio

# Only the event's own columns: this test is about order and fan-out, not ticket loading.
LEAN_STATUS_CHANGED = """
subscription ($after: String) { ticketStatusChanged(after: $after) { cursor type toState } }
"""

QUERY_EVENTS = """
query ($after: String) { ticketEvents(after: $after, first: 100) {
  edges { cursor node { id cursor type } } } }
"""


async def _cursor_now(gateway, workspace) -> str:
    return encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))


async def test_500_status_changes_reach_20_subscribers_in_order(gateway, desk, workspace):
    after = await _cursor_now(gateway, workspace)
    protocols = [TRANSPORT_WS, LEGACY_WS] * 10
    clients = [await WsClient.connect(gateway.url, workspace.api_key, p) for p in protocols]
    for client in clients:
        await client.subscribe(LEAN_STATUS_CHANGED, after=after)

    async def read(client: WsClient) -> list[int]:
        events = await client.events(500, "ticketStatusChanged")
        return [_seq(e["cursor"]) for e in events]

    readers = [asyncio.create_task(read(c)) for c in clients]
    await desk.status_changes(500)
    received = await asyncio.gather(*readers)

    first = _seq(after)
    assert all(seqs == list(range(first + 1, first + 501)) for seqs in received)
    for client in clients:
        await client.close()


async def test_resume_with_last_cursor_gets_exactly_the_missed_events(gateway, desk, workspace):
    start = await _cursor_now(gateway, workspace)
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(EVENTS, after=start)
    await desk.status_changes(10)
    seen = await client.events(4)
    await client.close()  # mid-stream: six more are already written, more follow

    await desk.status_changes(10)
    again = await WsClient.connect(gateway.url, workspace.api_key, LEGACY_WS)
    await again.subscribe(EVENTS, after=seen[-1]["cursor"])
    rest = await again.events(16)
    await desk.status_changes(2)
    live = await again.events(2)

    seqs = [_seq(e["cursor"]) for e in seen + rest + live]
    assert seqs == list(range(_seq(start) + 1, _seq(start) + 23))
    assert len({e["id"] for e in seen + rest + live}) == 22
    await again.close()


async def test_after_null_starts_from_now(gateway, desk, workspace):
    await desk.status_changes(3)
    before = await _cursor_now(gateway, workspace)
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(EVENTS, after=None)
    await wait_live(gateway, 1)
    await desk.status_changes(1)
    [event] = await client.events(1)
    assert _seq(event["cursor"]) == _seq(before) + 1
    await client.close()


async def test_same_ids_and_cursors_as_query_ticket_events(gateway, desk, workspace):
    start = await _cursor_now(gateway, workspace)
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(EVENTS, after=start)
    await desk.status_changes(5)
    streamed = await client.events(5)
    await client.close()

    http_url = gateway.url.replace("ws://", "http://")
    async with httpx.AsyncClient() as http:
        response = await http.post(
            http_url,
            json={"query": QUERY_EVENTS, "variables": {"after": start}},
            headers={"Authorization": f"Bearer {workspace.api_key}"},
        )
    edges = response.json()["data"]["ticketEvents"]["edges"]
    assert [(e["cursor"], e["node"]["id"], e["node"]["type"]) for e in edges] == [
        (e["cursor"], e["id"], e["type"]) for e in streamed
    ]
