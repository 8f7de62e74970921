"""graphql-sse over a real uvicorn: ids and Last-Event-ID, keep-alive, one-event answers, and
the stream closing the way a WebSocket does (revoked key, shutdown), rate limits included."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.access.workspaces import authenticate, revoke_api_key
from app.config import Settings
from tests.subscriptions.client import EVENTS, STATUS_CHANGED
from tests.subscriptions.helpers import Gateway, wait_live
from tests.subscriptions.sse_client import Event, http_url, open_stream, take

pytestmark = pytest.mark.anyio


def _cursors(events: list[Event], field: str = "ticketEvents") -> list[str]:
    return [e.data["data"][field]["cursor"] for e in events]


async def test_each_event_has_its_cursor_as_id_and_last_event_id_resumes_after_it(
    gateway, desk, workspace
):
    url = http_url(gateway.url)
    async with open_stream(url, EVENTS, workspace.api_key) as events:
        await wait_live(gateway, 1)
        await desk.status_changes(3)
        first = await take(events, 3)
    assert [e.event for e in first] == ["next"] * 3
    assert [e.id for e in first] == _cursors(first)

    await desk.status_changes(2)  # while no stream is open
    async with open_stream(url, EVENTS, workspace.api_key, last_event_id=first[1].id) as events:
        resumed = await take(events, 3)
    assert _cursors(resumed)[0] == first[2].id  # right after the Last-Event-ID, no repeat
    assert [e.id for e in resumed] == _cursors(resumed)
    # then the two written meanwhile, each once
    assert len(set(_cursors(resumed))) == 3 and not set(_cursors(resumed)[1:]) & set(
        _cursors(first)
    )


async def test_a_subscription_streams_over_get_too(gateway, desk, workspace):
    async with open_stream(
        http_url(gateway.url), EVENTS, workspace.api_key, method="GET"
    ) as events:
        await wait_live(gateway, 1)
        await desk.status_changes(1)
        [event] = await take(events, 1)
    assert event.id == _cursors([event])[0]


async def test_keep_alive_comments_while_nothing_happens(database_url, workspace):
    gateway = Gateway(Settings(database_url=database_url, sse_keepalive=0.2))
    await gateway.start()
    try:
        async with open_stream(http_url(gateway.url), EVENTS, workspace.api_key) as events:
            quiet = await take(events, 2, comments=True)
    finally:
        await gateway.stop()
    assert quiet == [Event(""), Event("")]


async def test_queries_and_refusals_are_one_next_then_complete(gateway, workspace):
    url = http_url(gateway.url)
    async with open_stream(url, "{ viewer { role } }", workspace.api_key) as events:
        answer = await take(events, 2)
    async with open_stream(url, EVENTS, workspace.api_key, last_event_id="nope") as events:
        bad_cursor = await take(events, 2)
    async with open_stream(url, EVENTS, None) as events:
        no_key = await take(events, 2)

    assert [e.event for e in answer] == ["next", "complete"]
    assert answer[0].data["data"] == {"viewer": {"role": "ADMIN"}}
    for refused, code in ((bad_cursor, "BAD_USER_INPUT"), (no_key, "UNAUTHENTICATED")):
        assert [e.event for e in refused] == ["next", "complete"]
        assert [e["extensions"]["code"] for e in refused[0].data["errors"]] == [code]


async def test_only_a_streaming_subscription_is_watched_for_revocation(gateway, workspace):
    url, guard = http_url(gateway.url), gateway.app.state.socket_guard
    headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {workspace.api_key}"}
    async with httpx.AsyncClient() as http:
        broken = await http.post(url, content=b"{not json", headers=headers)
    async with open_stream(url, "{ viewer { role } }", workspace.api_key) as events:
        await take(events, 2)
    assert broken.status_code == 400 and len(guard) == 0  # nothing left behind
    async with open_stream(url, EVENTS, workspace.api_key) as events:
        await wait_live(gateway, 1)
        assert len(guard) == 1


async def test_a_revoked_key_ends_its_stream_with_an_error_and_complete(gateway, workspace):
    principal = await authenticate(gateway.app.state.env.db, workspace.api_key)
    assert principal is not None
    async with open_stream(http_url(gateway.url), EVENTS, workspace.api_key) as events:
        await wait_live(gateway, 1)
        await revoke_api_key(
            gateway.app.state.env.db,
            workspace_id=principal.workspace_id,
            key_id=principal.key_id,
        )
        async with asyncio.timeout(5):  # the guard checks every 0.3 s here
            ending = await take(events, 2)
    assert [e.event for e in ending] == ["next", "complete"]
    assert [e["extensions"]["code"] for e in ending[0].data["errors"]] == ["UNAUTHENTICATED"]
    assert len(gateway.app.state.socket_guard) == 0


async def test_a_stream_is_rate_limited_like_any_operation(database_url, workspace):
    gateway = Gateway(Settings(database_url=database_url, rate_limit=1))
    await gateway.start()
    try:
        async with open_stream(http_url(gateway.url), EVENTS, workspace.api_key) as events:
            refused = await take(events, 2)
    finally:
        await gateway.stop()
    assert [e.event for e in refused] == ["next", "complete"]
    assert [e["extensions"]["code"] for e in refused[0].data["errors"]] == ["RATE_LIMITED"]


async def test_a_resumed_status_stream_sends_no_second_snapshot(gateway, desk, workspace):
    await desk.create()
    url = http_url(gateway.url)
    async with open_stream(url, STATUS_CHANGED, workspace.api_key, initial=True) as events:
        snapshot = await take(events, 1)
        await wait_live(gateway, 1)
        await desk.create()
        change = await take(events, 1)
    assert snapshot[0].data["data"]["ticketStatusChanged"]["type"] == "SNAPSHOT"
    assert snapshot[0].id == _cursors(snapshot, "ticketStatusChanged")[0]

    await desk.create()
    async with open_stream(
        url, STATUS_CHANGED, workspace.api_key, last_event_id=snapshot[0].id, initial=True
    ) as events:
        resumed = await take(events, 2)
    types = [e.data["data"]["ticketStatusChanged"]["type"] for e in resumed]
    assert types == ["CREATED", "CREATED"]  # no SNAPSHOT again: both creations after it
    assert resumed[0].id == change[0].id


async def test_shutdown_ends_the_stream_without_complete(database_url, workspace):
    gateway = Gateway(Settings(database_url=database_url))
    await gateway.start()
    async with open_stream(http_url(gateway.url), EVENTS, workspace.api_key) as events:
        await wait_live(gateway, 1)
        stopping = asyncio.create_task(gateway.stop())
        async with asyncio.timeout(10):
            rest = [e async for e in events if e.event]
        await stopping
    assert rest == []  # ended, with no `complete`: clients reconnect and resume
