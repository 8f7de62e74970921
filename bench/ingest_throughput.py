"""Import throughput: N generated Gorgias tickets via `import_file`; tickets/second, peak RSS.

    python bench/ingest_throughput.py --count 100000
    TICKETGW_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        python bench/ingest_throughput.py --count 100000

SQLite runs on a fresh temporary file. With a PostgreSQL URL, a fresh database is created on
that server and dropped afterwards. Tickets are written as NDJSON to a temporary file first
(not timed); the figure is for parsing + normalizing + upserting (ticket, customer, assignee,
tags, messages, CREATED event).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.access.workspaces import create_workspace
from app.config import normalize_database_url
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.ingest.importer import import_file
from app.live.service_env import ServiceEnv

AGENTS = [
    {"id": 900 + n, "name": f"Agent {n}", "email": f"agent{n}@example.com"} for n in range(20)
]
TAGS = ["urgent", "refund", "shipping", "vip", "bug", "question"]


def gorgias_ticket(n: int, rng: random.Random) -> dict:
    created = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00.000000"
    status = rng.choice(["open", "open", "closed"])
    return {
        "id": n,
        "status": status,
        "channel": "email",
        "via": "email",
        "subject": f"Order #{n} — where is my parcel?",
        "created_datetime": created,
        "updated_datetime": created,
        "closed_datetime": created if status == "closed" else None,
        "is_unread": rng.random() < 0.3,
        "spam": False,
        "language": "en",
        "external_id": f"ORDER-{n}",
        "assignee_user": rng.choice(AGENTS) if rng.random() < 0.7 else None,
        "customer": {
            "id": 100000 + n // 3,  # a customer writes about three times
            "email": f"customer{n // 3}@example.com",
            "name": f"Customer {n // 3}",
            "firstname": "Customer",
            "lastname": str(n // 3),
        },
        "tags": [{"name": t, "decoration": {"color": "#F58D86"}} for t in rng.sample(TAGS, 2)],
        "messages": [
            {
                "id": n * 10 + k,
                "channel": "email",
                "via": "email",
                "from_agent": k == 1,
                "public": True,
                "body_text": f"Message {k} of ticket {n}.",
                "body_html": f"<p>Message {k} of ticket {n}.</p>",
                "created_datetime": created,
                "sender": {"id": 7},
                "receiver": {"id": 8},
            }
            for k in range(2)
        ],
        "meta": {"source": "bench"},
        "uri": f"/api/tickets/{n}/",
    }


def write_ndjson(path: Path, count: int) -> None:
    rng = random.Random(42)
    with path.open("w") as out:
        for n in range(1, count + 1):
            out.write(json.dumps(gorgias_ticket(n, rng)) + "\n")


async def _create_pg_database(server_url: str) -> str:
    import asyncpg

    base = normalize_database_url(server_url).replace("postgresql+asyncpg://", "postgresql://")
    root = base.rpartition("/")[0]
    name = f"ticketgw_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(f"{root}/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{root}/{name}"


async def _drop_pg_database(url: str) -> None:
    import asyncpg

    root, _, name = url.rpartition("/")
    conn = await asyncpg.connect(f"{root}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(count: int, batch_size: int, workdir: Path) -> None:
    configured = os.environ.get("TICKETGW_DATABASE_URL", "")
    postgres = configured.startswith(("postgres", "postgresql"))
    url = await _create_pg_database(configured) if postgres else f"sqlite:///{workdir}/bench.db"
    try:
        await asyncio.to_thread(migrate, url)
        db = Database(url)
        ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
        data = workdir / "tickets.ndjson"
        write_ndjson(data, count)
        size_mib = data.stat().st_size / 2**20
        rss_before = peak_rss_mib()
        last = [0.0]

        def progress(done: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 5:
                last[0] = now
                print(f"  {done} records...", file=sys.stderr)

        started = time.perf_counter()
        with data.open("rb") as stream:
            summary = await import_file(
                ServiceEnv(db),
                ws.workspace.id,
                "gorgias",
                stream,
                progress=progress,
                batch_size=batch_size,
            )
        elapsed = time.perf_counter() - started
        await db.dispose()
    finally:
        if postgres:
            await _drop_pg_database(url)
    print(f"database:        {'PostgreSQL' if postgres else 'SQLite (file)'}")
    print(f"file:            {count} Gorgias tickets, NDJSON, {size_mib:.1f} MiB")
    print(
        f"result:          created={summary.created} updated={summary.updated} "
        f"unchanged={summary.unchanged} rejected={len(summary.rejected)}"
    )
    print(f"elapsed:         {elapsed:.1f} s")
    print(f"throughput:      {count / elapsed:.0f} tickets/s")
    print(f"peak RSS:        {peak_rss_mib():.0f} MiB (before the import: {rss_before:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ticketgw-bench-") as tmp:
        asyncio.run(run(args.count, args.batch_size, Path(tmp)))


if __name__ == "__main__":
    main()
