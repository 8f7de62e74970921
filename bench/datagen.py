"""Benchmark data: one workspace of 10,000 tickets (queue and helpdesk mixed), deterministic.

Writes through the gateway's own tables (Alembic migrations, SQLAlchemy Core bulk inserts) on
SQLite or PostgreSQL, then prints a JSON line with what the benchmarks need (URL, workspace id,
an admin API key, a ticket id). Same seed, same rows: ~5 messages, ~2 labels and ~1.5
interactions per ticket, 50 users, 12 labels, 4 lines, 5 teams.

    .venv/bin/python bench/datagen.py --url postgresql://postgres@127.0.0.1:5432/ticketgw_bench
    .venv/bin/python bench/datagen.py --url sqlite+aiosqlite:////tmp/ticketgw_bench.db

On PostgreSQL the database named in the URL is dropped and created again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from app.cli_progress import Progress
from app.config import normalize_database_url
from app.db import Interaction, Label, Line, Message, Team, Ticket, TicketLabel, User
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.states import unified_state
from app.services.workspaces import create_workspace

SEED = 8
BASE = datetime(2024, 1, 1, tzinfo=UTC)
QUEUE_STATUSES = ("NEW", "NEW", "CALLED", "SERVED", "NOSHOW", "CANCELLED_BY_CLERK")
DESK_STATUSES = ("OPEN", "OPEN", "ONGOING", "SNOOZED", "CLOSED")
COLORS = ("#e11d48", "#f59e0b", "#10b981", "#3b82f6", "#8b5cf6", "#64748b")


async def recreate_database(url: str) -> None:
    """Drop and create the database named in a PostgreSQL URL (connecting to `postgres`)."""
    base, _, name = url.rpartition("/")
    engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def _tickets(rng: random.Random, ws: int, n: int, users: list[int], lines: list[int],
             teams: list[int]) -> list[dict[str, Any]]:  # fmt: skip
    rows = []
    for i in range(n):
        created = BASE + timedelta(minutes=7 * i + rng.randint(0, 6))
        queue = rng.random() < 0.5
        status = rng.choice(QUEUE_STATUSES if queue else DESK_STATUSES)
        kind = "QUEUE" if queue else "HELPDESK"
        row: dict[str, Any] = {
            "workspace_id": ws, "kind": kind, "status": status,
            "state": unified_state(kind, status).value, "title": f"Ticket {i}: {rng.random():.6f}",
            "version": 1 + rng.randint(0, 5), "created_at": created,
            "updated_at": created + timedelta(minutes=rng.randint(0, 600)),
            "assignee_id": rng.choice(users) if rng.random() < 0.8 else None,
            "team_id": rng.choice(teams) if rng.random() < 0.5 else None,
            "origin_system": "TICKETGW", "spam": False, "unread": rng.random() < 0.3,
            "vendor_data": {"seq": i, "note": "kept as received"},
            # executemany needs the same keys in every row: both kinds' columns, None if unused
            "line_id": None, "number": None, "public_id": None, "source": None,
            "first_name": None, "last_name": None, "queue_key": None, "subject": None,
            "channel": None, "snooze_until": None,
        }  # fmt: skip
        if queue:
            row.update(line_id=rng.choice(lines), number=i, public_id=f"A-{i}", source="MANUAL",
                       first_name=f"First{i}", last_name=f"Last{i}", queue_key=created)  # fmt: skip
        else:
            row.update(subject=f"Subject {i}", channel=rng.choice(("email", "chat", "sms")),
                       snooze_until=created + timedelta(days=3000) if status == "SNOOZED" else None)  # fmt: skip
        rows.append(row)
    return rows


async def generate(url: str, tickets: int) -> dict[str, Any]:
    url = normalize_database_url(url)
    if not url.startswith("sqlite"):
        await recreate_database(url)
    else:
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    await asyncio.to_thread(migrate, url)
    db = Database(url)
    new = await create_workspace(db, name="Bench", slug="bench")
    ws = new.workspace.id
    assert ws is not None
    rng = random.Random(SEED)

    progress = Progress("Writing rows", "rows")  # a bar on a terminal, nothing when piped

    async def bulk(model: Any, rows: list[dict[str, Any]], step: int = 5000) -> None:
        progress.expect(len(rows))
        async with db.transaction() as session:
            for start in range(0, len(rows), step):
                await session.execute(insert(model.__table__), rows[start : start + step])
                progress.advance(len(rows[start : start + step]))

    async def ids(model: Any) -> list[int]:
        t = model.__table__
        async with db.read_session() as session:
            stmt = select(t.c.id).where(t.c.workspace_id == ws).order_by(t.c.id)
            return list((await session.execute(stmt)).scalars())

    await bulk(
        User,
        [
            {
                "workspace_id": ws,
                "name": f"Agent {i}",
                "email": f"agent{i}@example.com",
                "created_at": BASE,
            }
            for i in range(49)
        ],
    )  # fmt: skip (+ the admin = 50)
    await bulk(Line, [{"workspace_id": ws, "name": f"Line {i}", "prefix": "A", "created_at": BASE}
                      for i in range(4)])  # fmt: skip
    await bulk(
        Team, [{"workspace_id": ws, "name": f"Team {i}", "created_at": BASE} for i in range(5)]
    )
    await bulk(Label, [{"workspace_id": ws, "name": f"label-{i:02d}", "color": COLORS[i % 6],
                        "created_at": BASE} for i in range(12)])  # fmt: skip
    users, lines, teams, labels = [await ids(m) for m in (User, Line, Team, Label)]
    await bulk(Ticket, _tickets(rng, ws, tickets, users, lines, teams))
    t = Ticket.__table__  # type: ignore[attr-defined]
    async with db.read_session() as session:
        stmt = select(t.c.id, t.c.created_at, t.c.kind, t.c.line_id).where(t.c.workspace_id == ws)
        made = (await session.execute(stmt.order_by(t.c.id))).all()
    messages, links, calls = [], [], []
    for row in made:
        for j in range(rng.randint(3, 7)):  # ~5
            messages.append({
                "workspace_id": ws, "ticket_id": row.id, "direction": rng.choice(("INCOMING", "OUTGOING")),
                "body": f"Message {j} of ticket {row.id}. " + "lorem ipsum " * rng.randint(1, 8),
                "author_id": rng.choice(users), "public": True, "channel": "email",
                "created_at": row.created_at + timedelta(minutes=j * 3 + 1),
                "sender": {"name": "someone", "address": "someone@example.com"},
                "vendor_data": {"j": j},
            })  # fmt: skip
        for label in rng.sample(labels, rng.randint(1, 3)):  # ~2
            links.append({"workspace_id": ws, "ticket_id": row.id, "label_id": label,
                          "created_at": row.created_at})  # fmt: skip
        for k in range(rng.choice((1, 1, 2, 2, 1, 2, 1, 2, 2, 1, 0, 3))):  # ~1.5
            start = row.created_at + timedelta(minutes=10 + 20 * k)
            calls.append({"workspace_id": ws, "ticket_id": row.id, "start": start,
                          "end": start + timedelta(minutes=rng.randint(2, 15)),
                          "line_id": row.line_id, "desk": rng.randint(1, 9),
                          "user_id": rng.choice(users)})  # fmt: skip
    await bulk(Message, messages)
    await bulk(TicketLabel, links)
    await bulk(Interaction, calls)
    progress.close()
    if not url.startswith("sqlite"):
        async with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            await conn.execute(text("VACUUM ANALYZE"))
    await db.dispose()
    return {
        "url": url, "workspace_id": ws, "api_key": new.api_key, "ticket_id": made[-1].id,
        "tickets": len(made), "messages": len(messages), "labels": len(links),
        "interactions": len(calls), "users": len(users),
    }  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/ticketgw_bench")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--out", help="also write the JSON to this file")
    args = parser.parse_args()
    info = asyncio.run(generate(args.url, args.tickets))
    line = json.dumps(info)
    if args.out:
        Path(args.out).write_text(line + "\n")
    print(line)
