"""Database down: every HTTP path answers a GraphQL-shaped SERVICE_UNAVAILABLE (503 with
Retry-After; /ingest in its own error shape), the key lookup included, /readyz says 503, and
the process serves again by itself once the database is back. Redis down: nothing fails.

First with a database that refuses every statement (the suite's own, SQLite or PostgreSQL),
then with a real outage of a PostgreSQL cluster and a redis-server of the test's own.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from app.access.workspaces import create_api_key, create_workspace, set_webhook_secret
from app.config import Settings
from app.db.engine import Database
from app.domain.enums import Role
from app.main import create_app
from tests.faults.clusters import PostgresCluster
from tests.faults.injected import RefusingDatabase
from tests.subscriptions.client import EVENTS, Closed, WsClient
from tests.subscriptions.helpers import Gateway, wait_live

pytestmark = pytest.mark.anyio

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
QUERY = "{ tickets(first: 1) { totalCount } }"
MUTATION = 'mutation { createLine(input: {name: "Desk"}) { line { name } errors { code } } }'
CREATE_LINE = 'mutation { createLine(input: {name: "After"}) { line { id } } }'
CREATE_TICKET = """
mutation ($line: ID!) { createQueueTicket(input: {lineId: $line}) { ticket { id } } }
"""
UNAVAILABLE = "SERVICE_UNAVAILABLE"
SECRET = "outage-secret"


def _post(query: str, key: str, accept: str = GRAPHQL_RESPONSE) -> dict[str, Any]:
    return {
        "json": {"query": query},
        "headers": {"Authorization": f"Bearer {key}", "Accept": accept},
    }


def assert_unavailable(response: httpx.Response, accept: str, *, executed: bool | None) -> None:
    """503 + Retry-After, JSON of the asked type, one SERVICE_UNAVAILABLE error: at a field
    (`executed`), before execution (the key lookup), or either (None). `data` only for
    application/json."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    body = response.json()
    [error] = body["errors"]
    assert error["extensions"] == {"code": UNAVAILABLE}
    assert error["message"].startswith("The service is unavailable")
    executed = "path" in error if executed is None else executed
    assert ("path" in error) is executed
    expected_keys = {"errors", "extensions"} if executed else {"errors"}
    if accept == JSON and executed:
        assert body["data"] is None
        expected_keys.add("data")
    assert set(body) == expected_keys


def assert_ingest_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "2"
    assert response.json()["error"]["code"] == UNAVAILABLE
    assert set(response.json()["error"]) == {"code", "message", "field"}


async def _ingest(http: httpx.AsyncClient, slug: str) -> httpx.Response:
    body = json.dumps({"id": 1, "status": "open"}).encode()
    return await http.post(f"/ingest/gorgias/{slug}", content=body)


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
async def test_every_path_answers_503_while_the_database_refuses_then_serves_again(
    client, db, workspace, refusing_db, accept
):
    other_key = (
        await create_api_key(
            db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.ADMIN
        )
    )[1]
    warm = await client.post("/graphql", **_post(QUERY, workspace.api_key, accept))
    assert warm.status_code == 200  # this key is now remembered for a moment (LiveKeys)

    refusing_db.down()
    query = await client.post("/graphql", **_post(QUERY, workspace.api_key, accept))
    assert_unavailable(query, accept, executed=True)
    mutation = await client.post("/graphql", **_post(MUTATION, workspace.api_key, accept))
    assert_unavailable(mutation, accept, executed=True)
    lookup = await client.post("/graphql", **_post(QUERY, other_key, accept))
    assert_unavailable(lookup, accept, executed=False)  # was a bare 500 text/plain
    assert_ingest_unavailable(await _ingest(client, workspace.workspace.slug))
    assert (await client.get("/readyz")).status_code == 503
    typename = await client.post("/graphql", json={"query": "{ __typename }"})
    assert typename.json()["data"] == {"__typename": "Query"}  # needs no database

    refusing_db.up()
    for key in (workspace.api_key, other_key):
        again = await client.post("/graphql", **_post(QUERY, key, accept))
        assert again.status_code == 200 and "errors" not in again.json(), again.text
    created = await client.post("/graphql", **_post(MUTATION, workspace.api_key, accept))
    assert created.json()["data"]["createLine"] == {"line": {"name": "Desk"}, "errors": []}
    assert (await _ingest(client, workspace.workspace.slug)).status_code == 401  # no secret
    assert (await client.get("/readyz")).status_code == 200


async def test_a_browser_can_read_the_outage_answer(database_url, workspace, monkeypatch):
    origin = "https://console.example"
    app = create_app(Settings(database_url=database_url, cors_origins=origin))
    async with app.router.lifespan_context(app):
        refusing = RefusingDatabase(monkeypatch, app.state.env.db, failures=float("inf"))
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                request = _post(QUERY, workspace.api_key)
                request["headers"]["Origin"] = origin
                response = await http.post("/graphql", **request)
        finally:
            refusing.remove()
    assert_unavailable(response, GRAPHQL_RESPONSE, executed=False)  # at the key lookup
    assert response.headers["access-control-allow-origin"] == origin


# --- a real outage ---------------------------------------------------------------------------


@pytest.fixture
async def served(pg: PostgresCluster):  # type: ignore[no-untyped-def]
    """A gateway under uvicorn on the test's own cluster, a workspace with a webhook secret,
    and a second key nobody has used yet."""
    db = Database(pg.url)
    workspace = await create_workspace(db, name="Down", slug=f"down-{uuid.uuid4().hex[:8]}")
    await set_webhook_secret(
        db, workspace_id=workspace.workspace.id, vendor="gorgias", secret=SECRET
    )
    fresh_key = (
        await create_api_key(
            db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.ADMIN
        )
    )[1]
    await db.dispose()
    gateway = Gateway(Settings(database_url=pg.url, poll_interval=0.2))
    await gateway.start()
    base = f"http://127.0.0.1:{gateway.port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=20) as http:
            yield gateway, http, workspace, fresh_key
    finally:
        await gateway.stop()


@pytest.mark.postgres
async def test_a_real_postgresql_outage_answers_503_everywhere_and_recovers_by_itself(pg, served):
    gateway, http, workspace, fresh_key = served
    subscriber = await WsClient.connect(gateway.url, workspace.api_key)
    await subscriber.subscribe(EVENTS)  # from now: it must see what is written after the outage
    await wait_live(gateway, 1)
    assert (await http.post("/graphql", **_post(QUERY, workspace.api_key))).status_code == 200

    await asyncio.to_thread(pg.stop, "fast")
    assert_unavailable(  # at the key lookup or in the resolver: the key is trusted 0.3 s
        await http.post("/graphql", **_post(MUTATION, workspace.api_key)),
        GRAPHQL_RESPONSE,
        executed=None,
    )
    assert_unavailable(
        await http.post("/graphql", **_post(QUERY, fresh_key)), GRAPHQL_RESPONSE, executed=False
    )
    assert_ingest_unavailable(await _ingest(http, workspace.workspace.slug))
    assert (await http.get("/readyz")).status_code == 503
    # A WebSocket whose key can't be looked up closes with 1013: try again later.
    with pytest.raises(Closed) as closed:
        await WsClient.connect(gateway.url, fresh_key)
    assert closed.value.code == 1013

    await asyncio.to_thread(pg.start)
    assert (await http.get("/readyz")).status_code == 200
    created = await http.post("/graphql", **_post(MUTATION, workspace.api_key))
    assert created.json()["data"]["createLine"]["errors"] == [], created.text
    assert (await http.post("/graphql", **_post(QUERY, fresh_key))).status_code == 200
    again = await WsClient.connect(gateway.url, fresh_key)
    await again.close()
    # The subscriber that sat through the outage gets what was written after it.
    line = await http.post("/graphql", **_post(CREATE_LINE, workspace.api_key))
    line_id = line.json()["data"]["createLine"]["line"]["id"]
    ticket = await http.post(
        "/graphql",
        json={"query": CREATE_TICKET, "variables": {"line": line_id}},
        headers={"Authorization": f"Bearer {workspace.api_key}"},
    )
    ticket_id = ticket.json()["data"]["createQueueTicket"]["ticket"]["id"]
    event = (await subscriber.events(1))[0]
    assert (event["type"], event["ticket"]["id"]) == ("CREATED", ticket_id)
    await subscriber.close()


@pytest.mark.redis
async def test_redis_down_fails_nothing_and_readyz_says_so(database_url, workspace, own_redis):
    settings = Settings(database_url=database_url, broker_url=own_redis.url, poll_interval=0.2)
    gateway = Gateway(settings)
    await gateway.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.port}") as http:
            own_redis.kill()
            for query in (QUERY, MUTATION):
                response = await http.post("/graphql", **_post(query, workspace.api_key))
                assert response.status_code == 200 and "errors" not in response.json()
            assert (await http.get("/readyz")).status_code == 503
            await asyncio.to_thread(own_redis.start)
            assert (await http.get("/readyz")).status_code == 200
    finally:
        await gateway.stop()
