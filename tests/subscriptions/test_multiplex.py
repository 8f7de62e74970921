"""Subscribers with the same selection and visibility share one resolution of each event, and
its JSON; other selections, and replays from different cursors, still get exactly their own."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.domain.cursors import decode_event_cursor as _seq
from app.domain.cursors import encode_event_cursor
from app.live.shared_data import SharedData
from schema.subscriptions.multiplex import resolved_events as shared
from tests.subscriptions.client import EVENTS, LEGACY_WS, TRANSPORT_WS, WsClient

pytestmark = pytest.mark.anyio

ONLY_TYPES = """
subscription ($after: String) { ticketEvents(after: $after) { cursor type } }
"""


async def _cursor_now(gateway, workspace) -> str:
    return encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))


async def test_ten_subscribers_of_one_selection_resolve_each_event_once(gateway, desk, workspace):
    after = await _cursor_now(gateway, workspace)
    clients = [
        await WsClient.connect(gateway.url, workspace.api_key, p)
        for p in [TRANSPORT_WS, LEGACY_WS] * 5
    ]
    for client in clients:
        await client.subscribe(EVENTS, after=after)
    other = await WsClient.connect(gateway.url, workspace.api_key)
    await other.subscribe(ONLY_TYPES, after=after)  # another selection: resolved apart
    before = shared.resolutions

    readers = [asyncio.create_task(c.raw_results(6)) for c in clients]
    others = asyncio.create_task(other.events(6))
    await desk.status_changes(6)
    frames = await asyncio.gather(*readers)
    theirs = await others

    # 6 events: one resolution each for the ten subscribers, one each for the other selection
    assert shared.resolutions - before == 12
    payloads = [[json.loads(raw)["payload"] for raw in f] for f in frames]
    assert all(p == payloads[0] for p in payloads)  # the same result for everyone
    seqs = [_seq(p["data"]["ticketEvents"]["cursor"]) for p in payloads[0]]
    assert seqs == list(range(_seq(after) + 1, _seq(after) + 7))
    assert all(p["data"]["ticketEvents"]["ticket"]["id"] for p in payloads[0])
    # each frame is exactly what encoding the whole message would give, with its own id
    for raw in frames[0] + frames[1]:
        message = json.loads(raw)
        assert raw == json.dumps(message, separators=(",", ":"))  # the view's encoding
        assert message["id"] == "1"
    assert [e["type"] for e in theirs] == [p["data"]["ticketEvents"]["type"] for p in payloads[0]]
    assert set(theirs[0]) == {"cursor", "type"}
    for client in [*clients, other]:
        await client.close()


async def test_subscribers_from_different_cursors_share_and_each_gets_its_own_range(
    gateway, desk, workspace
):
    start = await _cursor_now(gateway, workspace)
    await desk.status_changes(4)
    middle = await _cursor_now(gateway, workspace)
    early = await WsClient.connect(gateway.url, workspace.api_key)
    late = await WsClient.connect(gateway.url, workspace.api_key, LEGACY_WS)
    await early.subscribe(EVENTS, after=start)
    await late.subscribe(EVENTS, after=middle)
    first = await early.events(4)  # the replay: only the early one has these
    before = shared.resolutions
    live = [asyncio.create_task(c.events(3)) for c in (early, late)]
    await desk.status_changes(3)
    got = await asyncio.gather(*live)

    assert [_seq(e["cursor"]) for e in first] == list(range(_seq(start) + 1, _seq(middle) + 1))
    assert got[0] == got[1]
    assert [_seq(e["cursor"]) for e in got[0]] == list(range(_seq(middle) + 1, _seq(middle) + 4))
    assert shared.resolutions - before == 3  # the live events: once for both
    for client in (early, late):
        await client.close()


def test_shared_data_is_encoded_once() -> None:
    calls = []

    def encode(value: object) -> str:
        calls.append(value)
        return json.dumps(value)

    data = SharedData({"a": 1})
    assert data.encoded(encode) == '{"a": 1}'
    assert data.encoded(encode) == '{"a": 1}'
    assert len(calls) == 1 and data == {"a": 1}
