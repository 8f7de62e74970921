"""Bodies that can't be read as JSON (not UTF-8, nested 10,000 levels deep) get a 400 that says
why, never a bare 500: on /graphql in the GraphQL-over-HTTP error shape, on /ingest naming the
body, and over WebSocket as the protocol's "invalid message"; so do WebSocket messages of the
wrong shape (a list, a payload that is a string...). Nothing is written."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import pytest
import websockets
from sqlalchemy import func, select

from app.access.workspaces import set_webhook_secret
from app.config import Settings
from app.db import Ticket
from tests.subscriptions.helpers import Gateway

pytestmark = pytest.mark.anyio

ANSWER_WITHIN = 10  # seconds: a missing answer fails the test instead of hanging it

DEEP = b"[" * 10_000 + b"]" * 10_000
BODIES = {
    "nested 10,000 deep": (
        b'{"query": "{ __typename }", "variables": {"x": ' + DEEP + b"}}",
        "The body's JSON is nested too deeply.",
    ),
    "not UTF-8": (b'{"query": "{ __typename \xff }"}', "The body is not valid UTF-8."),
    "not JSON": (b'{"query": ', "The body is not valid JSON."),
}
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
@pytest.mark.parametrize("name", BODIES)
async def test_graphql_refuses_an_unreadable_body_with_a_graphql_error(client, key, name, accept):
    body, message = BODIES[name]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    response = await client.post("/graphql", content=body, headers={**headers, "Accept": accept})
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }


async def test_graphql_get_refuses_deep_variables(client, key):
    response = await client.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": DEEP.decode()},
        headers={"Authorization": f"Bearer {key}", "Accept": GRAPHQL_RESPONSE},
    )
    assert (response.status_code, response.json()["errors"][0]["message"]) == (
        400,
        "The body's JSON is nested too deeply.",
    )


async def _tickets(db, workspace_id: int) -> int:
    async with db.read_session() as session:
        stmt = select(func.count()).select_from(Ticket).where(Ticket.workspace_id == workspace_id)
        return int((await session.execute(stmt)).scalar_one())


def _gorgias(subject: object) -> bytes:
    return json.dumps({"id": 41, "status": "open", "channel": "email", "subject": subject}).encode()


INGEST = {
    "nested 10,000 deep": (DEEP, 400, "body", "The body's JSON is nested too deeply."),
    "not UTF-8": (b'{"id": "\xff"}', 400, "body", "The body is not valid UTF-8."),
    # Parsed, but past what a vendor payload nests, or text the databases refuse.
    "nested 100 deep": (
        _gorgias(json.loads("[" * 100 + "]" * 100)),
        422,
        "subject" + "[0]" * 63,
        "Nests deeper than 64 levels.",
    ),
    "NUL": (_gorgias("a\x00b"), 422, "subject", "Contains a NUL character (U+0000)."),
    "lone surrogate": (
        _gorgias("a\ud800b"),
        422,
        "subject",
        "Contains a lone surrogate (not valid Unicode).",
    ),
}


@pytest.mark.parametrize("name", INGEST)
async def test_ingest_refuses_an_unreadable_body_naming_the_problem(client, db, workspace, name):
    body, status, field, message = INGEST[name]
    ws = workspace.workspace
    secret = await set_webhook_secret(db, workspace_id=ws.id, vendor="gorgias")  # type: ignore[arg-type]
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    response = await client.post(
        f"/ingest/gorgias/{ws.slug}", content=body, headers={"X-Ticketgw-Signature": signature}
    )
    assert (response.status_code, response.json()["error"]) == (
        status,
        {
            "code": "BAD_USER_INPUT" if status == 400 else "VALIDATION",
            "message": message,
            "field": field,
        },
    )
    assert await _tickets(db, ws.id) == 0  # type: ignore[arg-type]


@pytest.fixture
async def gateway(database_url: str) -> AsyncIterator[Gateway]:
    gw = Gateway(Settings(database_url=database_url))
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


async def _connect(gateway: Gateway, protocol: str, key: str) -> websockets.ClientConnection:
    ws = await websockets.connect(gateway.url, subprotocols=[protocol])  # type: ignore[list-item]
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    )
    assert json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))["type"] == "connection_ack"
    return ws


async def test_websocket_deep_message_closes_graphql_transport_ws_as_invalid(gateway, key):
    ws = await _connect(gateway, "graphql-transport-ws", key)
    await ws.send(DEEP.decode())
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), ANSWER_WITHIN)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4400,
        "WebSocket message must be valid JSON",
    )


async def test_websocket_deep_message_is_skipped_by_legacy_graphql_ws(gateway, key):
    # graphql-ws ignores a message it can't parse; the socket goes on answering.
    async with await _connect(gateway, "graphql-ws", key) as ws:
        await ws.send(DEEP.decode())
        await ws.send(
            json.dumps({"id": "1", "type": "start", "payload": {"query": "{ viewer { role } }"}})
        )
        answer = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
    assert answer == {"type": "data", "id": "1", "payload": {"data": {"viewer": {"role": "ADMIN"}}}}


MISSHAPEN = {
    "not an object": ([1, 2], "A message must be a JSON object."),
    "payload a string": ({"id": "1", "payload": "x"}, "needs a 'payload' object."),
    "query a number": ({"id": "1", "payload": {"query": 5}}, "'query' must be a string."),
    "variables a list": (
        {"id": "1", "payload": {"query": "{ viewer { role } }", "variables": [1]}},
        "'variables' must be an object.",
    ),
    "operationName a list": (
        {"id": "1", "payload": {"query": "{ viewer { role } }", "operationName": [1]}},
        "'operationName' must be a string.",
    ),
}


@pytest.mark.parametrize("name", MISSHAPEN)
async def test_websocket_message_of_the_wrong_shape_is_refused_saying_why(gateway, key, name):
    message, reason = MISSHAPEN[name]
    # graphql-transport-ws: the protocol's "invalid message", a close with 4400.
    ws = await _connect(gateway, "graphql-transport-ws", key)
    await ws.send(
        json.dumps(message | {"type": "subscribe"} if isinstance(message, dict) else message)
    )
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), ANSWER_WITHIN)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4400 and closed.value.rcvd.reason.endswith(reason)
    # graphql-ws: an `error` for the operation; a message naming none is skipped. Either way
    # the socket goes on.
    async with await _connect(gateway, "graphql-ws", key) as legacy:
        await legacy.send(
            json.dumps(message | {"type": "start"} if isinstance(message, dict) else message)
        )
        if isinstance(message, dict):
            refused = json.loads(await asyncio.wait_for(legacy.recv(), ANSWER_WITHIN))
            assert (refused["type"], refused["payload"]["message"].endswith(reason)) == (
                "error",
                True,
            )
        start = {"id": "ok", "type": "start", "payload": {"query": "{ viewer { role } }"}}
        await legacy.send(json.dumps(start))
        answer = json.loads(await asyncio.wait_for(legacy.recv(), ANSWER_WITHIN))
    assert answer["payload"] == {"data": {"viewer": {"role": "ADMIN"}}}
