"""Two gateway processes (`uvicorn` subprocesses) on PostgreSQL + Redis: subscribe on one,
mutate through GraphQL on the other. Runs on a fresh PostgreSQL database even when the suite
runs on SQLite. Gateway A polls the log rarely, so delivery in time means Redis woke it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import httpx
import pytest

from app.access.workspaces import create_workspace
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.cursors import decode_event_cursor, encode_event_cursor
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.helpers_redis import SHARED_REDIS_URL
from tests.subscriptions.client import EVENTS, WsClient
from tests.subscriptions.helpers import free_port

pytestmark = pytest.mark.anyio

POSTGRES_SERVER = os.environ.get(
    "TICKETGW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
CREATE_LINE = 'mutation { createLine(input: {name: "Desk"}) { line { id } errors { code } } }'
CREATE = "mutation ($l: ID!) { createQueueTicket(input: {lineId: $l}) { ticket { id } } }"
CALL = "mutation ($id: ID!) { callTicket(input: {id: $id}) { errors { code } } }"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        url = _create_postgres_database(POSTGRES_SERVER, f"ticketgw_gw2_{uuid.uuid4().hex[:10]}")
    except OSError:
        pytest.skip("PostgreSQL is not reachable")
    migrate(url)
    yield url
    _drop_postgres_database(url)


def _spawn(database_url: str, poll_interval: float) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(
        os.environ,
        TICKETGW_DATABASE_URL=database_url,
        TICKETGW_BROKER_URL=SHARED_REDIS_URL,
        TICKETGW_POLL_INTERVAL=str(poll_interval),
    )
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(command, env=env), port


async def _wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("gateway did not start")


@pytest.fixture
async def gateways(postgres_url: str):  # type: ignore[no-untyped-def]
    procs = [_spawn(postgres_url, poll_interval=30.0), _spawn(postgres_url, poll_interval=30.0)]
    try:
        for _proc, port in procs:
            await _wait_ready(port)
        yield [port for _proc, port in procs]
    finally:
        for proc, _port in procs:
            proc.terminate()
            proc.wait(10)


async def test_subscribe_on_one_gateway_mutate_on_the_other(postgres_url, gateways):
    db = Database(postgres_url)
    try:
        ws = await create_workspace(db, name="Two", slug=f"two-{uuid.uuid4().hex[:8]}")
    finally:
        await db.dispose()
    port_a, port_b = gateways
    client = await WsClient.connect(f"ws://127.0.0.1:{port_a}/graphql", ws.api_key)
    await client.subscribe(EVENTS, after=encode_event_cursor(0))

    headers = {"Authorization": f"Bearer {ws.api_key}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_b}", headers=headers) as b:

        async def run(query: str, **variables: str) -> dict:  # type: ignore[type-arg]
            response = await b.post("/graphql", json={"query": query, "variables": variables})
            body = response.json()
            assert "errors" not in body, body
            return body["data"]  # type: ignore[no-any-return]

        line = (await run(CREATE_LINE))["createLine"]["line"]["id"]
        ticket = (await run(CREATE, l=line))["createQueueTicket"]["ticket"]["id"]
        await run(CALL, id=ticket)

    events = await client.events(2, field="ticketEvents")  # long before A's 30 s poll
    assert [(e["type"], e["ticket"]["id"], decode_event_cursor(e["cursor"])) for e in events] == [
        ("CREATED", ticket, 1),
        ("CALLED", ticket, 2),
    ]
    await client.close()
