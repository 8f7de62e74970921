"""The write benchmark's counting phase (bench/write_statements.py) over the real app on
PostgreSQL, behind bench/pgcount.py's proxy: every mutation type gets a count, and the trace
puts each request's statements, with their SQL, in that request's window. Runs on a fresh
PostgreSQL database even when the suite runs on SQLite (the proxy speaks PostgreSQL's protocol).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest

from app.access.workspaces import create_workspace
from app.config import Settings
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.main import create_app
from bench.pgcount import start_proxy
from bench.servers import free_port
from bench.write_setup import seed_workspace
from bench.write_statements import measure_mutations
from tests.conftest import _create_postgres_database, _drop_postgres_database

pytestmark = pytest.mark.anyio

POSTGRES_SERVER = os.environ.get(
    "TICKETGW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# Statements per mutation, BEGIN and COMMIT not counted (issue 16: at most 5 each, the event
# row and the version check included; before it: 7, 8, 6, 7, 7, 7, 5, 7).
STATEMENTS = {
    "createQueueTicket": 5,  # line (locked: numbering), time zone, last number, ticket, events
    "addTicketLabel": 5,  # ticket, label with the link if any, link, ticket version, events
    "assignTicket": 4,  # ticket, assignee, ticket, events
    "callTicket": 5,  # ticket and agent, the agent's called tickets, interaction, ticket, events
    "addTicketMessage (queue)": 4,  # ticket, message, ticket, events
    "markTicketServed": 5,  # ticket, open interaction, its end, ticket, events
    "createHelpdeskTicket": 4,  # workspace (serial), contact, ticket, events
    "addTicketMessage": 4,  # ticket, message, ticket, events
}
MUTATIONS = set(STATEMENTS)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        url = _create_postgres_database(POSTGRES_SERVER, f"ticketgw_wstm_{uuid.uuid4().hex[:10]}")
    except OSError:
        pytest.skip("PostgreSQL is not reachable")
    migrate(url)
    yield url
    _drop_postgres_database(url)


async def test_every_mutation_type_is_counted_with_its_statements(postgres_url: str) -> None:
    host_port = postgres_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy_port = free_port()
    proxy, count = await start_proxy(proxy_port, (host, int(port)), trace=True)
    through_proxy = postgres_url.replace(host_port, f"127.0.0.1:{proxy_port}")
    db = Database(postgres_url)
    ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    await db.dispose()
    # Background workers (webhook delivery, the SLA scan) query on their own: off, so only the
    # mutations are counted.
    app = create_app(Settings(database_url=through_proxy, webhooks=False, sla_scan_interval=0))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
                [slot] = await seed_workspace(http, ws.workspace.id, ws.api_key, 1, 1)  # type: ignore[arg-type]
                found = await measure_mutations(http, count, slot, repeat=2)
    finally:
        proxy.close()

    assert set(found) == MUTATIONS
    for name, requests in found.items():
        assert len(requests) == 2, name
        for request in requests:
            assert request.count >= 1, name
            texts = [" ".join(s.text.split()) for s in request.statements]
            # every write appends its event, so the window holds that statement, by its SQL
            assert any("INSERT INTO ticket_event" in t for t in texts), (name, texts)
            assert request.count == STATEMENTS[name] <= 5, (name, texts)
            # the workspace's counter is taken by the last statement, which commits in the same
            # message (app.live.commit_append), never earlier
            [last] = [t for t in texts if t.split()[0] not in ("BEGIN", "COMMIT", "COMMIT;")][-1:]
            assert "DO $numbering$ DECLARE" in last, (name, texts)
            assert "BEGIN WITH counter AS ( UPDATE workspace" in last, (name, texts)
            assert last.endswith("END $numbering$; COMMIT; BEGIN"), (name, texts)
            assert sum("UPDATE workspace" in t for t in texts) == 1, (name, texts)
            locks = [t for t in texts if "FROM workspace" in t and "FOR NO KEY UPDATE" in t]
            assert len(locks) == (name == "createHelpdeskTicket"), (name, texts)  # serial: first
            assert all(s.done is not None and s.text != "?" for s in request.statements), name
