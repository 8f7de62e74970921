"""Auth, refusals, snapshot, filters and tenancy of the subscriptions, over a real WebSocket."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.access.workspaces import authenticate, revoke_api_key
from app.db import Workspace
from app.domain.cursors import decode_event_cursor, encode_event_cursor
from schema.ids import encode_id
from tests.subscriptions.client import (
    EVENTS,
    LEGACY_WS,
    STATUS_CHANGED,
    TRANSPORT_WS,
    Closed,
    WsClient,
)
from tests.subscriptions.helpers import Desk, wait_live

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_bad_key_in_connection_init_is_rejected(gateway, protocol):
    with pytest.raises((Closed, AssertionError)) as refused:
        await WsClient.connect(gateway.url, "tgw_not_a_key", protocol)
    if protocol == TRANSPORT_WS:
        assert refused.value.code == 4403  # type: ignore[union-attr]
    else:
        assert "connection_error" in str(refused.value)


async def test_no_key_is_unauthenticated(gateway):
    client = await WsClient.connect(gateway.url, None)
    await client.subscribe(EVENTS)
    payload = await client.next_payload()
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]
    await client.close()


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_revoked_key_socket_is_closed_within_seconds(gateway, db, workspace, protocol):
    client = await WsClient.connect(gateway.url, workspace.api_key, protocol)
    await client.subscribe(EVENTS)
    await wait_live(gateway, 1)
    principal = await authenticate(db, workspace.api_key)
    assert principal is not None
    await revoke_api_key(db, workspace_id=workspace.workspace.id, key_id=principal.key_id)
    assert await client.close_code(timeout=5) == 4403


async def test_malformed_and_expired_cursors_are_refused(gateway, db, desk, workspace):
    await desk.status_changes(3)
    async with db.transaction() as session:
        await session.execute(
            update(Workspace)
            .where(Workspace.id == workspace.workspace.id)  # type: ignore[arg-type]
            .values(events_pruned_through=2)
        )
    client = await WsClient.connect(gateway.url, workspace.api_key)
    codes = []
    for after in ("not-a-cursor", encode_event_cursor(1)):
        await client.subscribe(EVENTS, after=after)
        payload = await client.next_payload()
        codes.append([e["extensions"]["code"] for e in payload["errors"]])
    await client.subscribe(EVENTS, after=encode_event_cursor(2))  # at retention: still fine
    [event] = await client.events(1)
    assert codes == [["BAD_USER_INPUT"], ["CURSOR_EXPIRED"]]
    assert decode_event_cursor(event["cursor"]) == 3
    await client.close()


async def test_initial_snapshot_then_changes_without_gap(gateway, desk, workspace):
    first = await desk.create()
    second = await desk.create()
    await desk.call(first)  # first is IN_PROGRESS, second OPEN
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(STATUS_CHANGED, initial=True, filter={"states": ["OPEN", "RESOLVED"]})
    snapshot = await client.events(1, "ticketStatusChanged")
    await desk.serve(first)
    await desk.call(second)  # IN_PROGRESS: filtered out
    changes = await client.events(1, "ticketStatusChanged")

    cursor_now = encode_event_cursor(3)
    assert [
        (e["type"], e["ticket"]["id"], e["toState"], e["toStatus"], e["cursor"]) for e in snapshot
    ] == [
        ("SNAPSHOT", encode_id("Ticket", second), "OPEN", "NEW", cursor_now),
    ]
    assert [(e["type"], e["fromState"], e["toState"]) for e in changes] == [
        ("SERVED", "IN_PROGRESS", "RESOLVED"),
    ]
    await client.close()


async def test_filters_and_status_changes_only(gateway, db, desk, workspace):
    start = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    other_line = await Desk.open(desk.env, workspace, name="Other")
    mine = await desk.create()
    theirs = await other_line.create()
    client = await WsClient.connect(gateway.url, workspace.api_key)
    line = {"lineIds": [encode_id("Line", desk.line_id)]}
    await client.subscribe(EVENTS, after=start, filter=line)
    await client.subscribe(
        STATUS_CHANGED, after=start, filter={"ticketIds": [encode_id("Ticket", theirs)]}
    )
    await client.subscribe(EVENTS, after=start, filter={"kinds": ["HELPDESK"]})
    await other_line.call(theirs)
    await desk.call(mine)

    got: dict[str, list[tuple[str, str]]] = {"1": [], "2": [], "3": []}
    for _ in range(4):
        message = await client.recv()
        data = message["payload"]["data"]
        event = data.get("ticketEvents") or data["ticketStatusChanged"]
        got[message["id"]].append((event["type"], event["ticket"]["id"]))
    mine_id, theirs_id = encode_id("Ticket", mine), encode_id("Ticket", theirs)
    assert got == {
        "1": [("CREATED", mine_id), ("CALLED", mine_id)],
        "2": [("CREATED", theirs_id), ("CALLED", theirs_id)],
        "3": [],
    }
    await client.close()


async def test_a_workspace_never_hears_of_another(gateway, desk, workspace, make_workspace):
    other = await make_workspace("Other")
    theirs = await Desk.open(desk.env, other)
    client = await WsClient.connect(gateway.url, workspace.api_key)
    await client.subscribe(EVENTS, after=encode_event_cursor(0))
    await theirs.status_changes(3)
    await desk.status_changes(1)
    [event] = await client.events(1)
    assert event["type"] == "CREATED"
    assert decode_event_cursor(event["cursor"]) == 1
    await client.close()
