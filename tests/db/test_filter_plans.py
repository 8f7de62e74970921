"""PostgreSQL's plans for every TicketFilter filter, on a table big enough for plans to matter.

Its own database, 150,000 tickets made by `generate_series` (with messages, labels, contacts),
analyzed: at that size a sequential scan costs the planner far more than an index, as at a
million. Each filter's page statements (both orders) and count statement are explained as they
run (a generic plan, or one planned for the values where the statement asks for it) and must
not read `ticket` sequentially. Rare values (an origin no ticket has, a label on a few
tickets, a term nobody wrote) must be found through an index, reading few tickets: the trap a
single plan for every value falls into is walking the whole creation index to find nothing.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy.dialects import postgresql

from app.db.bulk import indexes_deferred
from app.db.derived.search_index import SEARCH_TABLE, TRIGRAM_INDEXES
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.loaders.statements import LoaderStatement
from app.loaders.tickets.count import EXACT_COUNT_LIMIT, count_statement
from app.loaders.tickets.page import (
    Shape,
    TicketOrdering,
    TicketQuery,
    _page_statement,
    bind_query,
)
from app.loaders.tickets.search_page import (
    GATHER_LIMIT,
    WINDOW,
    gather_statement,
    gathered_page_statement,
    look_statement,
    walked_page_statement,
)
from tests.conftest import _create_postgres_database, _drop_postgres_database

TICKETS = 150_000
DIALECT = postgresql.asyncpg.dialect()  # type: ignore[attr-defined]

_FILL = f"""
INSERT INTO workspace (id, slug, name, timezone, event_seq, events_pruned_through, created_at)
VALUES (1, 'plans', 'Plans', 'UTC', 0, 0, now());
INSERT INTO app_user (workspace_id, name, created_at)
SELECT 1, 'Agent ' || u, now() FROM generate_series(1, 50) u;
INSERT INTO line (workspace_id, name, prefix, created_at)
SELECT 1, 'Line ' || l, 'A', now() FROM generate_series(1, 4) l;
INSERT INTO team (workspace_id, name, created_at)
SELECT 1, 'Team ' || t, now() FROM generate_series(1, 5) t;
INSERT INTO label (workspace_id, name, created_at)
SELECT 1, 'label-' || n, now() FROM generate_series(1, 12) n;
INSERT INTO label (workspace_id, name, created_at) VALUES (1, 'rare', now());
INSERT INTO contact (workspace_id, name, email, created_at)
SELECT 1, 'Contact ' || c || ' Person', 'c' || c || '@example.com', now()
FROM generate_series(1, {TICKETS // 4}) c;
INSERT INTO ticket (workspace_id, kind, status, state, title, version, created_at, updated_at,
    assignee_id, team_id, origin_system, spam, unread, line_id, first_name, last_name,
    public_id, subject, contact_id)
SELECT 1, k.kind, k.status, k.state, 'Ticket ' || i, 1,
    timestamptz '2024-01-01' + i * interval '7 minutes',
    timestamptz '2024-01-01' + i * interval '7 minutes' + (i % 600) * interval '1 minute',
    CASE WHEN i % 5 > 0 THEN 1 + i % 50 END, CASE WHEN i % 2 = 0 THEN 1 + i % 5 END,
    'TICKETGW', i % 97 = 0, i % 3 = 0,
    CASE WHEN k.kind = 'QUEUE' THEN 1 + i % 4 END,
    CASE WHEN k.kind = 'QUEUE' THEN 'First' || (i % 40) END,
    CASE WHEN k.kind = 'QUEUE' THEN 'Surname' || (i * 7919 % 100) END,
    CASE WHEN k.kind = 'QUEUE' THEN 'A-' || i END,
    CASE WHEN k.kind = 'HELPDESK' THEN 'Subject ' || i END,
    CASE WHEN k.kind = 'HELPDESK' THEN 1 + i % {TICKETS // 4} END
FROM generate_series(1, {TICKETS}) i
CROSS JOIN LATERAL (SELECT * FROM (VALUES
    (0, 'QUEUE', 'NEW', 'OPEN'), (1, 'HELPDESK', 'OPEN', 'OPEN'),
    (2, 'QUEUE', 'SERVED', 'RESOLVED'), (3, 'HELPDESK', 'CLOSED', 'RESOLVED'),
    (4, 'QUEUE', 'CALLED', 'IN_PROGRESS'), (5, 'HELPDESK', 'SNOOZED', 'PENDING'),
    (6, 'QUEUE', 'NOSHOW', 'CANCELLED'), (7, 'HELPDESK', 'ONGOING', 'IN_PROGRESS')
) v(n, kind, status, state) WHERE v.n = i % 8) k;
INSERT INTO ticket_label (ticket_id, label_id, workspace_id, created_at)
SELECT id, 1 + id % 12, 1, created_at FROM ticket
UNION ALL SELECT id, 1 + (id * 5 + 3) % 12, 1, created_at FROM ticket
    WHERE id % 12 <> (id * 5 + 3) % 12
UNION ALL SELECT id, 13, 1, created_at FROM ticket WHERE id % 5000 = 0;
INSERT INTO message (workspace_id, ticket_id, body, direction, public, created_at)
SELECT 1, id, 'Message of ticket ' || id || ': lorem ipsum dolor', 'INCOMING', true, created_at
FROM ticket;
INSERT INTO sla_policy (workspace_id, name, priority, warn_before_seconds, resolution_seconds,
    pause_while_snoozed, pause_while_awaiting_customer, kinds, line_ids, team_ids, label_names,
    channels, created_at)
VALUES (1, 'plans', 0, 0, 3600, true, false, '[]', '[]', '[]', '[]', '[]', now());
INSERT INTO sla_timer (workspace_id, ticket_id, policy_id, metric, status, cycle, target_seconds,
    warn_before_seconds, pause_while_snoozed, pause_while_awaiting_customer, started_at,
    elapsed_us, running_since, due_at, next_at, warning_sent,
    breach_sent)
SELECT 1, id, 1, 'RESOLUTION',
    CASE WHEN state IN ('RESOLVED', 'CANCELLED') THEN 'MET'
         WHEN id % 5000 = 1 THEN 'BREACHED' ELSE 'RUNNING' END,
    1, 3600, 0, true, false, created_at, 0, created_at, created_at + interval '1 hour',
    created_at + interval '1 hour', false, id % 5000 = 1
FROM ticket;
UPDATE ticket SET sla_due_at = created_at + interval '1 hour'
WHERE state NOT IN ('RESOLVED', 'CANCELLED');
"""

# Every TicketFilter field, with values like a dashboard's (ids are the generated ones).
FILTERS: dict[str, TicketQuery] = {
    "none": TicketQuery(),
    "kinds": TicketQuery(kinds=("QUEUE",)),
    "states": TicketQuery(states=("OPEN", "IN_PROGRESS", "PENDING")),
    "queue_statuses": TicketQuery(queue_statuses=("NOSHOW",)),
    "helpdesk_statuses": TicketQuery(helpdesk_statuses=("SNOOZED",)),
    "line_ids": TicketQuery(line_ids=(2,)),
    "assignee_ids": TicketQuery(assignee_ids=(7, 8)),
    "team_ids": TicketQuery(team_ids=(3,)),
    "label_names": TicketQuery(label_names=("label-3",)),
    "origins": TicketQuery(origins=("QMINDER",)),
    "search": TicketQuery(search="surname4"),
    "created_after": TicketQuery(created_after=datetime(2024, 6, 1, tzinfo=UTC)),
    "created_before": TicketQuery(created_before=datetime(2024, 3, 1, tzinfo=UTC)),
    "include_removed": TicketQuery(include_removed=True),
    "dashboard": TicketQuery(states=("OPEN", "IN_PROGRESS"), assignee_ids=(7,)),
    "sla_statuses": TicketQuery(sla_statuses=("RUNNING", "PAUSED")),
}
# Values few or no tickets have: (filter, most ticket rows the plan may read).
RARE: dict[str, tuple[TicketQuery, int]] = {
    "origin nobody has": (TicketQuery(origins=("GORGIAS",)), 100),
    "label on 12 tickets": (TicketQuery(label_names=("rare",)), 200),
    "term nobody wrote": (TicketQuery(search="zebra crossing"), 100),
    "one contact's name": (TicketQuery(search="contact 777 person"), 100),
    "the few breached": (TicketQuery(sla_statuses=("BREACHED",)), 200),
}


@pytest.fixture(scope="module")
def plans_dsn(database_url: str) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (the PostgreSQL run checks it)")
    url = _create_postgres_database(database_url, f"ticketgw_plans_{uuid.uuid4().hex[:8]}")
    migrate(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")

    async def fill() -> None:
        db = Database(url)
        try:
            async with indexes_deferred(db, TRIGRAM_INDEXES):  # built once, after the rows
                conn = await asyncpg.connect(dsn)
                try:
                    await conn.execute(_FILL)
                finally:
                    await conn.close()
            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
        finally:
            await db.dispose()

    asyncio.run(fill())
    yield dsn
    _drop_postgres_database(url)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(_literal(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


async def _plan(dsn: str, statement: LoaderStatement, params: dict[str, Any], analyze: bool
                ) -> dict[str, Any]:  # fmt: skip
    """The plan the statement runs with: generic, or for its values when it asks to be planned
    (as app.db.engine's two kinds of read connections do)."""
    compiled = statement.compiled(DIALECT)
    assert compiled is not None
    args = compiled.args(params)
    options = "FORMAT JSON, ANALYZE" if analyze else "FORMAT JSON"
    conn = await asyncpg.connect(dsn, statement_cache_size=0)
    try:
        if statement.planned:
            text = await conn.fetchval(f"EXPLAIN ({options}) {compiled.sql}", *args)
        else:
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute(f"PREPARE listed AS {compiled.sql}")
            values = ", ".join(_literal(a) for a in args)
            text = await conn.fetchval(f"EXPLAIN ({options}) EXECUTE listed({values})")
    finally:
        await conn.close()
    return json.loads(text)[0]["Plan"]  # type: ignore[no-any-return]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _statements(
    dsn: str, query: TicketQuery
) -> Iterator[tuple[str, LoaderStatement, dict[str, Any]]]:
    shape, params = bind_query(1, query)
    if query.label_names:  # bound by id, as app.loaders.tickets.page.bind_filter does

        async def label_ids() -> list[int]:
            conn = await asyncpg.connect(dsn)
            try:
                sql = "SELECT id FROM label WHERE workspace_id = 1 AND name = ANY($1)"
                return [r[0] for r in await conn.fetch(sql, list(query.label_names))]
            finally:
                await conn.close()

        params["label_ids"] = asyncio.run(label_ids())
    if query.search:  # each step of app.loaders.tickets.search_page
        yield from _search_statements(dsn, shape, params)
    else:
        for order in ("created_at", "updated_at"):
            page = _page_statement(shape, TicketOrdering(order), (), False)
            yield f"page by {order}", page, {**params, "size": 51}
        # Breaching soonest first (SLA_DUE_AT ASC), the list an SLA dashboard shows.
        page = _page_statement(shape, TicketOrdering("sla_due_at", descending=False), (), False)
        yield "page by sla_due_at", page, {**params, "size": 51}
    yield (
        "count",
        count_statement(shape, "postgresql"),
        {**params, "count_limit": EXACT_COUNT_LIMIT + 1},
    )


def _search_statements(
    dsn: str, shape: Shape, params: dict[str, Any]
) -> Iterator[tuple[str, LoaderStatement, dict[str, Any]]]:
    page = {**params, "size": 51}
    look = look_statement("postgresql", shape, TicketOrdering(), (), False)
    yield "look", look, {**page, "window": WINDOW}
    gather = gather_statement("postgresql")
    gathering = {**params, "gather_limit": GATHER_LIMIT + 1}
    yield "gather", gather, gathering
    compiled = gather.compiled(DIALECT)
    assert compiled is not None

    async def gathered() -> list[int]:
        conn = await asyncpg.connect(dsn)
        try:
            return [r[0] for r in await conn.fetch(compiled.sql, *compiled.args(gathering))]
        finally:
            await conn.close()

    ids = asyncio.run(gathered())
    for order in ("created_at", "updated_at"):
        ordering = TicketOrdering(order)
        by_ids = gathered_page_statement(shape, ordering, (), False)
        yield f"gathered page by {order}", by_ids, {**page, "search_ids": ids}
        walk = walked_page_statement("postgresql", shape, ordering, (), False)
        yield f"walk by {order}", walk, page


@pytest.mark.parametrize("name", FILTERS)
def test_no_filter_reads_tickets_sequentially(plans_dsn: str, name: str) -> None:
    for label, statement, params in _statements(plans_dsn, FILTERS[name]):
        plan = asyncio.run(_plan(plans_dsn, statement, params, analyze=False))
        tables = {n.get("Relation Name") for n in _nodes(plan)}
        # The search documents only, through the trigram index: a search's gather, and the
        # count of a search alone.
        if label == "gather" or (label == "count" and name == "search"):
            assert tables - {None} == {SEARCH_TABLE}, tables
        elif "ticket" not in tables:  # a count summed from the kept counters
            assert label == "count" and tables >= {"ticket_count"}, (name, label, tables)
            continue
        scans = [n for n in _nodes(plan) if n.get("Relation Name") in ("ticket", SEARCH_TABLE)]
        seq = [n["Node Type"] for n in scans if n["Node Type"] == "Seq Scan"]
        assert not seq, f"{name} / {label}: {json.dumps(plan, indent=1)}"


def _rows_read(plan: dict[str, Any], table: str) -> int:
    return sum(
        n["Actual Rows"] * n["Actual Loops"] + n.get("Rows Removed by Filter", 0)
        for n in _nodes(plan)
        if n.get("Relation Name") == table
    )


@pytest.mark.parametrize("name", RARE)
def test_rare_values_are_found_through_an_index(plans_dsn: str, name: str) -> None:
    query, most = RARE[name]
    for label, statement, params in _statements(plans_dsn, query):
        if label.startswith("walk"):  # not reached: the gather has every match (below)
            continue
        plan = asyncio.run(_plan(plans_dsn, statement, params, analyze=True))
        read = _rows_read(plan, "ticket")
        assert read <= most, f"{name} / {label} read {read} tickets: {json.dumps(plan, indent=1)}"
        documents = _rows_read(plan, SEARCH_TABLE)
        # The look reads the newest WINDOW documents at most, whatever the table's size.
        bound = WINDOW if label == "look" else most
        assert documents <= bound, f"{name} / {label} read {documents} documents"
        if label == "gather":
            assert plan["Actual Rows"] <= GATHER_LIMIT  # every match gathered: no walk


# A term about 5% of the tickets have (~7,500 of 150,000): more than the gather takes.
COMMON = TicketQuery(search="surname4")


@pytest.mark.parametrize(
    "step", ["look", "gather", "walk by created_at", "walk by updated_at", "count"]
)
def test_a_common_term_stops_after_a_page(plans_dsn: str, step: str) -> None:
    for label, statement, params in _statements(plans_dsn, COMMON):
        if label != step:
            continue
        plan = asyncio.run(_plan(plans_dsn, statement, params, analyze=True))
        tickets, documents = _rows_read(plan, "ticket"), _rows_read(plan, SEARCH_TABLE)
        if step == "count":  # the limit's worth of documents (and a few removed), no ticket
            assert tickets == 0 and documents <= 2 * (EXACT_COUNT_LIMIT + 1), (tickets, documents)
        elif step == "gather":  # more than the limit match: the walk is next
            assert plan["Actual Rows"] == GATHER_LIMIT + 1
            assert documents <= 2 * GATHER_LIMIT, documents
        else:  # a page of 51, each ticket read once, the documents up to the 51st match
            assert plan["Actual Rows"] == 51, json.dumps(plan, indent=1)
            assert tickets <= 2 * 51 + 1_500, f"{step} read {tickets} tickets"
            assert documents <= WINDOW, f"{step} read {documents} documents"


def test_breaching_soon_walks_the_due_time_index(plans_dsn: str) -> None:
    """slaStatuses [RUNNING] ordered by SLA_DUE_AT ASC: the first page reads ticket rows from
    ix_ticket_ws_sla_due, a page's worth, not the 75,000 running ones."""
    shape, params = bind_query(1, TicketQuery(sla_statuses=("RUNNING",)))
    page = _page_statement(shape, TicketOrdering("sla_due_at", descending=False), (), False)
    plan = asyncio.run(_plan(plans_dsn, page, {**params, "size": 51}, analyze=True))
    scans = [n for n in _nodes(plan) if n.get("Relation Name") == "ticket"]
    assert [n.get("Index Name") for n in scans] == ["ix_ticket_ws_sla_due"], json.dumps(plan)
    read = sum(
        n["Actual Rows"] * n["Actual Loops"] + n.get("Rows Removed by Filter", 0) for n in scans
    )
    assert read <= 200, json.dumps(plan, indent=1)
