"""Does Line.stats (and a board read) stay as fast at a million tickets as at ten thousand?

One PostgreSQL database per size, filled by SQL: N queue tickets at 1,000 a day (so "the last
day" holds the same ~1,000 tickets whatever N), each created, called and served (3 events and
an interaction), over 4 lines, plus 40 waiting and 6 called now. Then, interleaved round by
round across the sizes: app.floor's line statistics for the last day (4 lines in one go), a
board read (4 lines, with estimates), and the service rates. Prints medians per size and the
ratio to the first size. `--without-index` drops ix_ticket_event_floor and
ix_interaction_line_start too, to see what they buy. Figures, not a test.

    .venv/bin/python bench/floor_stats.py --server postgresql://postgres@127.0.0.1:5432/postgres \\
        --tickets 10000 --tickets 1000000 --rounds 15
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from app.db.engine import Database
from app.db.schema_setup import migrate
from app.floor.board import read_board
from app.floor.service_rate import service_rates
from app.floor.stats import line_stats

PER_DAY = 1000
END = datetime(2026, 12, 1, tzinfo=UTC)

FILL = """
INSERT INTO workspace (id, slug, name, timezone, event_seq, events_pruned_through, created_at)
VALUES (1, 'floor', 'Floor', 'UTC', 0, 0, now());
INSERT INTO app_user (workspace_id, name, created_at) VALUES (1, 'Clerk', now());
INSERT INTO line (workspace_id, name, prefix, created_at)
SELECT 1, 'Line ' || l, 'A', now() FROM generate_series(1, 4) l;
INSERT INTO ticket (workspace_id, kind, status, state, version, created_at, updated_at,
    origin_system, spam, unread, line_id, desk, called_at, served_at, queue_key,
    first_name, last_name, public_id)
SELECT 1, 'QUEUE', s.status, s.state, 3, c, c, 'TICKETGW', false, false, 1 + i % 4, 1 + i % 6,
    CASE WHEN s.status <> 'NEW' THEN c + interval '10 minutes' END,
    CASE WHEN s.status = 'SERVED' THEN c + interval '20 minutes' END, c,
    'First' || i % 50, 'Last' || i % 70, 'A-' || i
FROM generate_series(1, $1::int) i,
    LATERAL (SELECT $2::timestamptz - ($1::int - i) * ($3::float * interval '1 second') AS c) t,
    LATERAL (SELECT CASE WHEN i > $1::int - 40 THEN 'NEW' WHEN i > $1::int - 46 THEN 'CALLED'
        ELSE 'SERVED' END AS status) s0,
    LATERAL (SELECT s0.status, CASE s0.status WHEN 'NEW' THEN 'OPEN'
        WHEN 'CALLED' THEN 'IN_PROGRESS' ELSE 'RESOLVED' END AS state) s;
INSERT INTO ticket_event (workspace_id, seq, ticket_id, type, at)
SELECT 1, 3 * id + n, id, (ARRAY['CREATED', 'CALLED', 'SERVED'])[n + 1],
    created_at + n * interval '10 minutes'
FROM ticket, generate_series(0, 2) n
WHERE n = 0 OR (n = 1 AND status <> 'NEW') OR (n = 2 AND status = 'SERVED');
INSERT INTO interaction (workspace_id, ticket_id, start, "end", line_id, desk, user_id)
SELECT 1, id, called_at, served_at, line_id, desk, 1 FROM ticket WHERE called_at IS NOT NULL;
UPDATE workspace SET event_seq = (SELECT max(seq) FROM ticket_event);
"""


async def make(server: str, tickets: int, without_index: bool) -> str:
    root = server.replace("postgresql+asyncpg://", "postgresql://").rpartition("/")[0]
    name = f"ticketgw_floor_bench_{tickets}_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(f"{root}/postgres")
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = f"{root}/{name}"
    await asyncio.to_thread(migrate, url)
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        for statement in FILL.split(";\n"):
            if not statement.strip():
                continue
            if "$1" in statement:
                await conn.execute(statement, tickets, END, 86400 / PER_DAY)
            else:
                await conn.execute(statement)
        if without_index:
            await conn.execute(
                "DROP INDEX ix_ticket_event_floor; DROP INDEX ix_interaction_line_start"
            )
        await conn.execute("VACUUM ANALYZE")
        print(f"{tickets:>9,} tickets filled in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        await conn.close()
    return url.replace("postgresql://", "postgresql+asyncpg://")


async def drop(server: str, url: str) -> None:
    root = server.replace("postgresql+asyncpg://", "postgresql://").rpartition("/")[0]
    conn = await asyncpg.connect(f"{root}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')
    finally:
        await conn.close()


async def timed(run, db: Database) -> float:
    started = time.perf_counter()
    await run(db)
    return (time.perf_counter() - started) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--tickets", type=int, action="append", required=True)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--without-index", action="store_true")
    args = parser.parse_args()
    urls = [await make(args.server, n, args.without_index) for n in args.tickets]
    dbs = [Database(url) for url in urls]
    lines, now = [1, 2, 3, 4], END + timedelta(minutes=30)
    since = now - timedelta(days=1)
    work = {
        "Line.stats (4 lines, last day)": lambda db: line_stats(db, 1, lines, since),
        "queueBoard read (4 lines)": lambda db: read_board(db, 1, lines, now=now),
        "service rates (4 lines)": lambda db: service_rates(db, 1, lines, now),
    }
    times: dict[tuple[str, int], list[float]] = {}
    try:
        for db in dbs:  # warm: connections, plans, caches
            for run in work.values():
                await run(db)
        for _ in range(args.rounds):
            for name, run in work.items():
                for size, db in zip(args.tickets, dbs, strict=True):
                    times.setdefault((name, size), []).append(await timed(run, db))
    finally:
        for db in dbs:
            await db.dispose()
        for url in urls:
            await drop(args.server, url)
    head = "".join(f"{n:>14,}" for n in args.tickets)
    print(f"\n{'median ms':<34}{head}   ratio last/first")
    for name in work:
        medians = [statistics.median(times[(name, n)]) for n in args.tickets]
        cells = "".join(f"{m:>14.2f}" for m in medians)
        print(f"{name:<34}{cells}   {medians[-1] / medians[0]:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
