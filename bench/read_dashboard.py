"""Read-side benchmark: the 50-ticket dashboard query of issue 8.

Seeds N tickets (default 1000, 50 shown) with labels, messages and interactions into a fresh
SQLite file (or TICKETGW_DATABASE_URL, into a new workspace), then prints the SQL statement
count and in-process timings of schema.execute on a warm loop. Figures, not a test.

    .venv/bin/python bench/read_dashboard.py [--tickets 1000] [--runs 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from app.access.workspaces import authenticate, create_workspace
from app.config import Settings, normalize_database_url
from app.context import Context
from app.db.engine import Database, StatementCounter, statement_counter
from app.db.schema_setup import migrate
from schema import schema
from tests.factories import Factory, at

DASHBOARD = """
{
  tickets(first: 50, filter: {states: [OPEN, IN_PROGRESS, PENDING]},
          orderBy: {field: CREATED_AT, direction: DESC}) {
    edges { node {
      id state createdAt title
      assignee { id name email }
      labels { name color }
      messages(first: 5) { nodes { body direction createdAt author { name } } }
      interactions { start end user { name } }
    } }
  }
}
"""


async def seed(factory: Factory, count: int) -> None:
    line = await factory.line()
    users = [await factory.user(f"agent {i}", email=f"a{i}@example.com") for i in range(10)]
    labels = [await factory.label(name, "#abc") for name in ("vip", "new", "slow")]
    tickets = []
    for i in range(count):
        common = {"title": f"ticket {i}", "created_at": at(i), "assignee_id": users[i % 10].id}
        if i % 2:
            tickets.append(
                factory.queue_ticket_row(line, ("NEW", "CALLED", "SERVED")[i % 3], **common)
            )
        else:
            tickets.append(factory.helpdesk_ticket_row(("OPEN", "SNOOZED")[i % 2], **common))
    await factory.add_all(tickets)
    rows: list = []
    for i, ticket in enumerate(tickets):
        rows += [
            factory.message_row(ticket, f"message {j}", author_id=users[j % 10].id,
                                created_at=at(i + j))
            for j in range(8)
        ]  # fmt: skip
        rows.append(factory.interaction_row(ticket, at(i + 1), end=at(i + 3), user_id=users[0].id))
    await factory.add_all(rows)
    from app.db import TicketLabel

    await factory.add_all(
        [
            TicketLabel(ticket_id=t.id, label_id=label.id, workspace_id=factory.workspace_id)
            for t in tickets
            for label in labels[: 1 + t.id % 3]
        ]
    )


async def main(tickets: int, runs: int) -> None:
    configured = os.environ.get("TICKETGW_DATABASE_URL")
    if configured:
        url = normalize_database_url(configured)
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    await asyncio.to_thread(migrate, url)
    db = Database(url)
    new = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    await seed(Factory(db, new.workspace.id), tickets)
    principal = await authenticate(db, new.api_key)
    settings = Settings(database_url=url)

    async def once() -> tuple[float, int]:
        context = Context(db=db, settings=settings, principal=principal)
        counter = StatementCounter()
        token = statement_counter.set(counter)
        start = time.perf_counter()
        result = await schema.execute(DASHBOARD, context_value=context)
        elapsed = time.perf_counter() - start
        statement_counter.reset(token)
        assert result.errors is None and result.data is not None, result.errors
        assert len(result.data["tickets"]["edges"]) == 50
        return elapsed, counter.count

    for _ in range(5):  # warm up: connections, statement caches
        await once()
    timings, counts = zip(*[await once() for _ in range(runs)], strict=True)
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"database: {db.dialect}; tickets seeded: {tickets}; shown: 50; runs: {runs}")
    print(f"SQL statements per query (schema.execute, no key lookup): {set(counts)}")
    print(f"time per query: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms")
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.tickets, args.runs))
