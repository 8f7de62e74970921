"""PostgreSQL's plans for the line statistics (app/floor), on a log big enough for plans to
matter: 200,000 queue tickets over 200 days (each created, called and served: 600,000 events
and 200,000 interactions), analyzed. A period holding a thousandth of the tickets (a day's
1,000 of a million) must be read through ix_ticket_event_floor and ix_interaction_line_start,
never a table sequentially, touching about the period's rows, not the log's: that is what
keeps the statistics fast at a million tickets."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy.dialects import postgresql

from app.db.schema_setup import migrate
from app.floor.measures import MEASURES, period_params
from app.floor.stats import ACTIVE_DESKS, STEP_COUNTS
from app.loaders.statements import LoaderStatement
from tests.conftest import _create_postgres_database, _drop_postgres_database

TICKETS = 200_000
START = datetime(2024, 1, 1, tzinfo=UTC)
DIALECT = postgresql.asyncpg.dialect()  # type: ignore[attr-defined]

_FILL = f"""
INSERT INTO workspace (id, slug, name, timezone, event_seq, events_pruned_through, created_at)
VALUES (1, 'floor', 'Floor', 'UTC', 0, 0, now());
INSERT INTO app_user (workspace_id, name, created_at) VALUES (1, 'Clerk', now());
INSERT INTO line (workspace_id, name, prefix, created_at)
SELECT 1, 'Line ' || l, 'A', now() FROM generate_series(1, 4) l;
INSERT INTO ticket (workspace_id, kind, status, state, version, created_at, updated_at,
    origin_system, spam, unread, line_id, desk, called_at, served_at, queue_key)
SELECT 1, 'QUEUE', 'SERVED', 'RESOLVED', 3, c, c + interval '20 minutes', 'TICKETGW', false,
    false, 1 + i % 4, 1 + i % 6, c + interval '10 minutes', c + interval '20 minutes', c
FROM generate_series(1, {TICKETS}) i,
    LATERAL (SELECT timestamptz '{START.isoformat()}' + i * interval '86.4 seconds' AS c) t;
INSERT INTO ticket_event (workspace_id, seq, ticket_id, type, at)
SELECT 1, 3 * id + n, id, (ARRAY['CREATED', 'CALLED', 'SERVED'])[n + 1],
    created_at + n * interval '10 minutes'
FROM ticket, generate_series(0, 2) n;
INSERT INTO interaction (workspace_id, ticket_id, start, "end", line_id, desk, user_id)
SELECT 1, id, called_at, served_at, line_id, desk, 1 FROM ticket;
ANALYZE;
"""


@pytest.fixture(scope="module")
def plans_dsn(database_url: str) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (the PostgreSQL run checks it)")
    url = _create_postgres_database(database_url, f"ticketgw_floor_{uuid.uuid4().hex[:8]}")
    migrate(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")

    async def fill() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(_FILL)
        finally:
            await conn.close()

    asyncio.run(fill())
    yield dsn
    _drop_postgres_database(url)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


async def _explain(dsn: str, statement: LoaderStatement, params: dict[str, Any]) -> dict[str, Any]:
    """The plan for these values, as the gateway runs the statement (planned=True: on a
    connection that plans each execution for its values)."""
    assert statement.planned
    compiled = statement.compiled(DIALECT)
    assert compiled is not None
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET plan_cache_mode = force_custom_plan")
        sql = f"EXPLAIN (FORMAT JSON, ANALYZE) {compiled.sql}"
        text = await conn.fetchval(sql, *compiled.args(params))
    finally:
        await conn.close()
    return json.loads(text)[0]["Plan"]  # type: ignore[no-any-return]


# The log's last 4.8 hours: 200 tickets, a thousandth of the table, as a day's 1,000 tickets
# are of a million. That share is what the planner weighs against reading the whole table.
LAST_DAY = START + timedelta(days=200) - timedelta(hours=4.8)
STATEMENTS = {"measures": MEASURES, "counts": STEP_COUNTS, "desks": ACTIVE_DESKS}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_a_days_statistics_read_the_day_through_indexes(plans_dsn, name):
    params = period_params(1, [1, 2, 3, 4], LAST_DAY)
    plan = asyncio.run(_explain(plans_dsn, STATEMENTS[name], params))
    nodes = list(_nodes(plan))
    scans = {(n["Node Type"], n.get("Relation Name")) for n in nodes if "Relation Name" in n}
    sequential = {relation for kind, relation in scans if kind == "Seq Scan"}
    shape = [(n["Node Type"], n.get("Relation Name"), n.get("Actual Rows")) for n in nodes]
    assert sequential == set(), f"{name} reads {sequential} sequentially: {shape}"
    used = {n.get("Index Name") for n in nodes if n.get("Index Name")}
    wanted = "ix_interaction_line_start" if name == "desks" else "ix_ticket_event_floor"
    assert wanted in used, (name, used)
    # Rows out of any one node: about the period's (~600 events), not the log's 600,000.
    read = max(n.get("Actual Rows", 0) * n.get("Actual Loops", 1) for n in nodes)
    assert read < 5_000, (name, read)
