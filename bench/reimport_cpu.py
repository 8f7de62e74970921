"""Re-import CPU: import N generated Gorgias tickets, then the same file again; CPU of each run.

    python bench/reimport_cpu.py --count 20000
    TICKETGW_DATABASE_URL=postgresql://postgres@127.0.0.1:55430/postgres \
        python bench/reimport_cpu.py --count 20000

The second import changes nothing (every record is one already stored), so it should cost well
under the first: issue 15 asks for at most half. CPU is this process's (user + system, parsing,
normalizing, upserting) and, on PostgreSQL, the server's too: the postmaster started with
`-p <the URL's port>` and its backends, read from /proc, so point it at a cluster nobody else
is using (a private one, as /work/scratch/pg-private starts). The WAL the cluster wrote during
each import is printed too: the server's writes, which the machine's load does not change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.access.workspaces import create_workspace
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.ingest.importer import ImportSummary, import_file
from app.live.service_env import ServiceEnv
from bench.ingest_throughput import _create_pg_database, _drop_pg_database, write_ndjson
from bench.servers import cluster_pids

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def postgres_cpu_s(port: int | None) -> float:
    """CPU seconds used so far by the cluster on `port` (0 for none)."""
    total = 0
    for pid in cluster_pids(port) if port else ():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


async def wal_position(db: Database) -> int:
    """Bytes of WAL written so far by the cluster (0 on SQLite): the server's writes, a figure
    that the machine's load does not change."""
    if db.is_sqlite:
        return 0
    async with db.engine.connect() as conn:
        lsn = (await conn.execute(text("SELECT pg_current_wal_insert_lsn()::text"))).scalar_one()
    high, low = str(lsn).split("/")
    return (int(high, 16) << 32) + int(low, 16)


async def timed_import(
    db: Database, workspace_id: int, data: Path, port: int | None
) -> tuple[ImportSummary, dict[str, float]]:
    wal_before = await wal_position(db)
    pg_before = postgres_cpu_s(port)
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    with data.open("rb") as stream:
        summary = await import_file(ServiceEnv(db), workspace_id, "gorgias", stream)
    figures = {
        "wall": time.perf_counter() - wall_before,
        "cpu": time.process_time() - cpu_before,
        "pg": postgres_cpu_s(port) - pg_before,
        "wal": (await wal_position(db) - wal_before) / 2**20,
    }
    return summary, figures


async def run(count: int, workdir: Path) -> None:
    configured = os.environ.get("TICKETGW_DATABASE_URL", "")
    postgres = configured.startswith(("postgres", "postgresql"))
    url = await _create_pg_database(configured) if postgres else f"sqlite:///{workdir}/bench.db"
    try:
        await asyncio.to_thread(migrate, url)
        db = Database(url)
        ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
        data = workdir / "tickets.ndjson"
        write_ndjson(data, count)
        port = (make_url(url).port or 5432) if postgres else None
        first, a = await timed_import(db, ws.workspace.id, data, port)
        again, b = await timed_import(db, ws.workspace.id, data, port)
        await db.dispose()
    finally:
        if postgres:
            await _drop_pg_database(url)
    print(f"database:     {'PostgreSQL' if postgres else 'SQLite (file)'}, {count} Gorgias tickets")
    print(f"first:        created={first.created} rejected={len(first.rejected)}")
    print(f"re-import:    unchanged={again.unchanged} updated={again.updated}")
    print(f"{'':14}{'first':>10}{'re-import':>12}{'ratio':>8}")
    rows = (("cpu", "client CPU s"), ("pg", "server CPU s"), ("wal", "server WAL MiB"))
    for name, label in (*rows, ("wall", "wall s")):
        if name in ("pg", "wal") and not postgres:
            continue
        ratio = b[name] / a[name] if a[name] else float("nan")
        print(f"{label:14}{a[name]:>10.2f}{b[name]:>12.2f}{ratio:>8.2f}")
    total_a, total_b = a["cpu"] + a["pg"], b["cpu"] + b["pg"]
    if postgres:
        print(f"{'total CPU s':14}{total_a:>10.2f}{total_b:>12.2f}{total_b / total_a:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ticketgw-bench-") as tmp:
        asyncio.run(run(args.count, Path(tmp)))


if __name__ == "__main__":
    main()
