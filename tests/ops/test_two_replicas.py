"""The compose topology with plain processes: two `ticketgw serve` replicas on a fresh
PostgreSQL database and the shared Redis. A mutation through one replica reaches a
subscription and a query on the other; each replica reports its own metrics."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from app.access.workspaces import create_workspace
from app.db.engine import Database
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.helpers_redis import SHARED_REDIS_URL
from tests.ops.served import Served
from tests.subscriptions.client import EVENTS, WsClient

pytestmark = pytest.mark.anyio

POSTGRES_SERVER = os.environ.get(
    "TICKETGW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
CREATE_LINE = 'mutation { createLine(input: {name: "Desk"}) { line { id } } }'
CREATE = "mutation Arrive($l: ID!) { createQueueTicket(input: {lineId: $l}) { ticket { id } } }"
READ = "query Board { tickets(first: 5) { totalCount edges { node { id state } } } }"


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """An empty database: `ticketgw serve` migrates it, both replicas at once."""
    try:
        url = _create_postgres_database(POSTGRES_SERVER, f"ticketgw_ops_{uuid.uuid4().hex[:10]}")
    except OSError:
        pytest.skip("PostgreSQL is not reachable")
    yield url
    _drop_postgres_database(url)


@pytest.fixture
async def replicas(fresh_postgres: str, tmp_path) -> AsyncIterator[list[Served]]:
    env = {"TICKETGW_BROKER_URL": SHARED_REDIS_URL, "TICKETGW_POLL_INTERVAL": "30"}
    servers = [Served(fresh_postgres, tmp_path / f"replica-{i}.log", **env) for i in (1, 2)]
    try:
        for server in servers:
            await server.start()
        yield servers
    finally:
        for server in servers:
            await server.stop()


async def test_mutation_on_one_replica_reaches_the_other(fresh_postgres, replicas):
    a, b = replicas
    db = Database(fresh_postgres)
    try:
        ws = await create_workspace(db, name="Replicas", slug=f"rep-{uuid.uuid4().hex[:8]}")
    finally:
        await db.dispose()
    headers = {"Authorization": f"Bearer {ws.api_key}"}
    socket = await WsClient.connect(b.url.replace("http", "ws") + "/graphql", ws.api_key)
    await socket.subscribe(EVENTS)

    async with httpx.AsyncClient(headers=headers) as http:
        line = await http.post(a.url + "/graphql", json={"query": CREATE_LINE})
        line_id = line.json()["data"]["createLine"]["line"]["id"]
        created = await http.post(
            a.url + "/graphql", json={"query": CREATE, "variables": {"l": line_id}}
        )
        ticket_id = created.json()["data"]["createQueueTicket"]["ticket"]["id"]
        # Redis wakes replica B long before its 30 s poll.
        [event] = await socket.events(1)
        assert (event["type"], event["ticket"]["id"]) == ("CREATED", ticket_id)
        board = (await http.post(b.url + "/graphql", json={"query": READ})).json()["data"]
        assert board["tickets"]["totalCount"] == 1
        assert board["tickets"]["edges"][0]["node"] == {"id": ticket_id, "state": "OPEN"}
        metrics_a = (await http.get(a.url + "/metrics")).text
        metrics_b = (await http.get(b.url + "/metrics")).text
    await socket.close()

    assert 'ticketgw_graphql_requests_total{operation="Arrive",outcome="ok"} 1.0' in metrics_a
    assert "ticketgw_events_published_total 1.0" in metrics_a
    assert "ticketgw_events_published_total 0.0" in metrics_b
    assert "ticketgw_events_delivered_total 1.0" in metrics_b
    assert "ticketgw_websockets_open 1.0" in metrics_b
    assert "ticketgw_subscriptions_active 1.0" in metrics_b
