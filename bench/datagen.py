"""Benchmark data: one workspace of 10,000 tickets (queue and helpdesk mixed), deterministic.

Writes through the gateway's own tables (Alembic migrations, then app.db.bulk: COPY on
PostgreSQL, batched executemany on SQLite, in chunks of CHUNK tickets with their children, so
a million tickets take minutes and bounded memory) on SQLite or PostgreSQL, then prints a JSON
line with what the benchmarks need (URL, workspace id, an admin API key, a ticket id, seconds
taken). Same seed, same rows: ~5 messages, ~2 labels, ~1.5 interactions and a CREATED event
per ticket, one contact per ~2 helpdesk tickets, 50 users, 12 labels, 4 lines, 5 teams.
Names are drawn from common first names and surnames (about 1 in 100 is a Smith), so a
search has hits that grow with the table, as in a real workspace.

    .venv/bin/python bench/datagen.py --url postgresql://postgres@127.0.0.1:5432/ticketgw_bench
    .venv/bin/python bench/datagen.py --url sqlite+aiosqlite:////tmp/ticketgw_bench.db
    .venv/bin/python bench/datagen.py --tickets 1000000 \
        --url postgresql://postgres@127.0.0.1:55440/bench_1m

On PostgreSQL the database named in the URL is dropped and created again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from app.access.workspaces import create_workspace
from app.cli.progress import Progress
from app.config import normalize_database_url
from app.db import (
    Contact,
    Interaction,
    Label,
    Line,
    Message,
    Team,
    Ticket,
    TicketEvent,
    TicketLabel,
    User,
    Workspace,
    table_of,
)
from app.db.bulk import indexes_deferred, insert_rows
from app.db.derived.search_index import TRIGRAM_INDEXES
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.states import unified_state

SEED = 8
Row = dict[str, Any]
BASE = datetime(2024, 1, 1, tzinfo=UTC)
QUEUE_STATUSES = ("NEW", "NEW", "CALLED", "SERVED", "NOSHOW", "CANCELLED_BY_CLERK")
DESK_STATUSES = ("OPEN", "OPEN", "ONGOING", "SNOOZED", "CLOSED")
COLORS = ("#e11d48", "#f59e0b", "#10b981", "#3b82f6", "#8b5cf6", "#64748b")
CHUNK = 20_000


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Mary James Patricia John Jennifer Robert Linda Michael Elizabeth David Barbara William "
    "Susan Richard Jessica Joseph Sarah Thomas Karen Charles Nancy Daniel Lisa Matthew Emma "
    "Noah Olivia Liam Ava Lucas Mia Léa Zoë Amélie José Jürgen Åsa Søren Chloé Renée"
)
# 100 surnames, Smith among them once: ~1% of the people.
SURNAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales "
    "Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos "
    "Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Müller"
)


async def recreate_database(url: str) -> None:
    """Drop and create the database named in a PostgreSQL URL (connecting to `postgres`)."""
    base, _, name = url.rpartition("/")
    engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def _tickets(rng: random.Random, ws: int, first: int, n: int, refs: dict[str, list[int]]
             ) -> list[dict[str, Any]]:  # fmt: skip
    rows = []
    for i in range(first, first + n):
        created = BASE + timedelta(minutes=7 * i + rng.randint(0, 6))
        queue = rng.random() < 0.5
        status = rng.choice(QUEUE_STATUSES if queue else DESK_STATUSES)
        kind = "QUEUE" if queue else "HELPDESK"
        row: dict[str, Any] = {
            "workspace_id": ws, "kind": kind, "status": status,
            "state": unified_state(kind, status).value, "title": f"Ticket {i}: {rng.random():.6f}",
            "version": 1 + rng.randint(0, 5), "created_at": created,
            "updated_at": created + timedelta(minutes=rng.randint(0, 600)),
            "assignee_id": rng.choice(refs["users"]) if rng.random() < 0.8 else None,
            "team_id": rng.choice(refs["teams"]) if rng.random() < 0.5 else None,
            "origin_system": "TICKETGW", "spam": False, "unread": rng.random() < 0.3,
            "vendor_data": {"seq": i, "note": "kept as received"},
            # every row has the same keys: both kinds' columns, None if unused
            "line_id": None, "number": None, "public_id": None, "source": None,
            "first_name": None, "last_name": None, "queue_key": None, "subject": None,
            "channel": None, "snooze_until": None, "contact_id": None,
        }  # fmt: skip
        if queue:
            row.update(line_id=rng.choice(refs["lines"]), number=i, public_id=f"A-{i}",
                       source="MANUAL", first_name=rng.choice(FIRST_NAMES),
                       last_name=rng.choice(SURNAMES), queue_key=created)  # fmt: skip
        else:
            row.update(subject=f"Subject {i}", channel=rng.choice(("email", "chat", "sms")),
                       snooze_until=created + timedelta(days=3000) if status == "SNOOZED" else None,
                       contact_id=rng.choice(refs["contacts"]))  # fmt: skip
        rows.append(row)
    return rows


def _children(rng: random.Random, ws: int, made: Sequence[Any], refs: dict[str, list[int]],
              last_seq: int) -> tuple[list[Row], list[Row], list[Row], list[Row]]:  # fmt: skip
    """Messages, label links, interactions and CREATED events of the tickets just made."""
    users, labels = refs["users"], refs["labels"]
    messages, links, calls, events = [], [], [], []
    for seq, row in enumerate(made, start=last_seq + 1):  # the log goes on after last_seq
        events.append({"workspace_id": ws, "seq": seq, "ticket_id": row.id, "type": "CREATED",
                       "from_state": None, "to_state": row.state, "from_status": None,
                       "to_status": row.status, "actor_id": None, "at": row.created_at,
                       "changes": None})  # fmt: skip
        for j in range(rng.randint(3, 7)):  # ~5
            messages.append({
                "workspace_id": ws, "ticket_id": row.id,
                "direction": rng.choice(("INCOMING", "OUTGOING")),
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
    return messages, links, calls, events


async def _bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> int:
    return await insert_rows(db, table_of(model), list(rows[0]) if rows else [], rows)


async def _ids(db: Database, model: Any, ws: int) -> list[int]:
    t = table_of(model)
    async with db.read_session() as session:
        stmt = select(t.c.id).where(t.c.workspace_id == ws).order_by(t.c.id)
        return list((await session.execute(stmt)).scalars())


async def _directory(
    db: Database, rng: random.Random, ws: int, tickets: int
) -> dict[str, list[int]]:
    """Users, lines, teams, labels and contacts; their ids by kind."""
    await _bulk(
        db,
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
    await _bulk(db, Line, [{"workspace_id": ws, "name": f"Line {i}", "prefix": "A",
                            "created_at": BASE}
                           for i in range(4)])  # fmt: skip
    await _bulk(
        db, Team, [{"workspace_id": ws, "name": f"Team {i}", "created_at": BASE} for i in range(5)]
    )
    await _bulk(db, Label, [{"workspace_id": ws, "name": f"label-{i:02d}", "color": COLORS[i % 6],
                             "created_at": BASE} for i in range(12)])  # fmt: skip
    people = []
    for k in range(max(1, tickets // 4)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        people.append({"workspace_id": ws, "name": f"{first} {last}", "created_at": BASE,
                       "email": f"{first}.{last}{k}@example.com".lower()})  # fmt: skip
    for start in range(0, len(people), CHUNK):
        await _bulk(db, Contact, people[start : start + CHUNK])
    models = {"users": User, "lines": Line, "teams": Team, "labels": Label, "contacts": Contact}
    return {name: await _ids(db, model, ws) for name, model in models.items()}


async def generate(url: str, tickets: int) -> dict[str, Any]:
    began = time.monotonic()
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
    refs = await _directory(db, rng, ws, tickets)
    t = table_of(Ticket)
    totals = {"tickets": 0, "messages": 0, "labels": 0, "interactions": 0, "events": 0}
    last_id = 0
    # A bar on a terminal, nothing when piped (then the per-chunk line below says as much).
    progress = Progress("Writing tickets", "tickets", total=tickets)
    async with indexes_deferred(db, TRIGRAM_INDEXES):
        for first in range(0, tickets, CHUNK):
            totals["tickets"] += await _bulk(
                db, Ticket, _tickets(rng, ws, first, min(CHUNK, tickets - first), refs)
            )
            async with db.read_session() as session:
                stmt = select(
                    t.c.id, t.c.created_at, t.c.kind, t.c.line_id, t.c.state, t.c.status
                ).where(t.c.workspace_id == ws, t.c.id > last_id)
                made = (await session.execute(stmt.order_by(t.c.id))).all()
            last_id = made[-1].id
            messages, links, calls, events = _children(rng, ws, made, refs, totals["events"])
            totals["messages"] += await _bulk(db, Message, messages)
            totals["labels"] += await _bulk(db, TicketLabel, links)
            totals["interactions"] += await _bulk(db, Interaction, calls)
            totals["events"] += await _bulk(db, TicketEvent, events)
            progress.advance(len(made))
            if progress.silent:
                print(
                    f"{totals['tickets']} tickets, {time.monotonic() - began:.0f} s",
                    file=sys.stderr,
                )
    progress.close()
    async with db.transaction() as session:  # the log's head, as the services keep it
        await session.execute(
            update(Workspace).where(col(Workspace.id) == ws).values(event_seq=totals["events"])
        )
    loaded = time.monotonic()
    async with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.execute(text("VACUUM ANALYZE" if not url.startswith("sqlite") else "ANALYZE"))
    await db.dispose()
    done = time.monotonic()
    return {
        "url": url, "workspace_id": ws, "api_key": new.api_key, "ticket_id": last_id,
        **totals, "users": len(refs["users"]), "contacts": len(refs["contacts"]),
        "seconds": round(done - began, 1), "load_seconds": round(loaded - began, 1),
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
