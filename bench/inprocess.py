"""In-process: schema.execute on a warm loop against the bench database (bench/datagen.py).

Dashboard (50 tickets), single ticket, and a mutation mix (create a queue ticket, call it, serve
it, label it): p50/p99 per operation, SQL statements per operation (no key lookup: the context
is built once), and the raw asyncpg floor for the same dashboard rows. Figures, not a test.

    .venv/bin/python bench/inprocess.py --state /tmp/bench_pg.json [--seconds 10] \
        [--profile dashboard]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from app.access.workspaces import authenticate
from app.config import Settings
from app.context import Context
from app.db.engine import Database, StatementCounter, statement_counter
from app.gc_tuning import tune_gc_once
from bench.queries import DASHBOARD, SINGLE
from schema import schema
from schema.ids import TICKET, encode_id

MUTATIONS = """
mutation Create($line: ID!) { createQueueTicket(input: {lineId: $line, firstName: "Bench"}) {
  ticket { id state } errors { code } } }
mutation Call($id: ID!) { callTicket(input: {id: $id, desk: 3, keepPrevious: true}) {
  ticket { id state } errors { code } } }
mutation Serve($id: ID!) { markTicketServed(input: {id: $id}) {
  ticket { id state } errors { code } } }
mutation Label($id: ID!) { addTicketLabel(input: {id: $id, name: "label-01"}) {
  ticket { id labels { name } } errors { code } } }
"""


def percentile(ms: list[float], p: float) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, round(p * (len(ms) - 1)))]


class Runner:
    def __init__(self, db: Database, context: Context) -> None:
        self.db, self.context = db, context

    async def execute(self, query: str, variables: dict[str, Any] | None = None,
                      operation: str | None = None) -> tuple[Any, float, int]:  # fmt: skip
        self.context._loaders = None  # a fresh request: fresh loaders
        counter = StatementCounter()
        token = statement_counter.set(counter)
        start = time.perf_counter()
        result = await schema.execute(
            query, variable_values=variables, context_value=self.context, operation_name=operation
        )
        elapsed = (time.perf_counter() - start) * 1000
        statement_counter.reset(token)
        assert result.errors is None, result.errors
        return result.data, elapsed, counter.count

    @staticmethod
    async def measure(name: str, seconds: float, op: Any) -> None:
        for _ in range(5):
            await op()
        timings, counts = [], set()
        deadline = time.perf_counter() + seconds
        cpu = time.process_time()
        while time.perf_counter() < deadline:
            ms, count = await op()
            timings.append(ms)
            counts.add(count)
        total = sum(timings) / 1000
        # CPU ms per op: steadier than wall time on a machine shared with other work
        cpu_ms = (time.process_time() - cpu) * 1000 / len(timings)
        print(f"{name:10} {len(timings) / total:7.1f} ops/s  CPU {cpu_ms:6.1f} ms/op"
              f"  p50 {percentile(timings, 0.5):6.1f} ms"
              f"  p99 {percentile(timings, 0.99):6.1f} ms"
              f"  SQL statements {sorted(counts)}", flush=True)  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    state = json.loads(Path(args.state).read_text())
    db = Database(state["url"])
    principal = await authenticate(db, state["api_key"])
    context = Context(db=db, settings=Settings(database_url=state["url"]), principal=principal)
    run = Runner(db, context)
    single = {"id": encode_id(TICKET, state["ticket_id"])}
    line_id = encode_id("Line", 1)

    async def dashboard() -> tuple[float, int]:
        data, ms, n = await run.execute(DASHBOARD)
        assert len(data["tickets"]["edges"]) == 50
        return ms, n

    async def one() -> tuple[float, int]:
        data, ms, n = await run.execute(SINGLE, single)
        assert data["ticket"] is not None
        return ms, n

    async def mutation_mix() -> tuple[float, int]:
        total_ms, total_n = 0.0, 0
        data, ms, n = await run.execute(MUTATIONS, {"line": line_id}, "Create")
        ticket = {"id": data["createQueueTicket"]["ticket"]["id"]}
        total_ms, total_n = total_ms + ms, total_n + n
        for operation in ("Call", "Serve", "Label"):
            data, ms, n = await run.execute(MUTATIONS, ticket, operation)
            assert not next(iter(data.values()))["errors"], data
            total_ms, total_n = total_ms + ms, total_n + n
        return total_ms, total_n

    ops = {"dashboard": dashboard, "single": one, "mutations": mutation_mix}
    if not args.default_gc:
        tune_gc_once()  # as `ticketgw serve` does (TICKETGW_TUNE_GC)
    if args.profile:
        from pyinstrument import Profiler

        for _ in range(5):
            await ops[args.profile]()
        with Profiler(async_mode="enabled", interval=0.0005) as profiler:
            for _ in range(args.profile_runs):
                await ops[args.profile]()
        profiler.print(show_all=False, short_mode=False)
    else:
        print(f"database: {db.dialect}; {state['tickets']} tickets", flush=True)
        for name in args.only.split(","):
            await run.measure(name, args.seconds, ops[name])
        if db.dialect == "postgresql" and "dashboard" in args.only:
            await floor(state, args.seconds)
    await db.dispose()


async def floor(state: dict[str, Any], seconds: float) -> None:
    import asyncpg

    from bench.raw_floor import fetch_dashboard

    url = state["url"].replace("postgresql+asyncpg://", "postgresql://")
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)

    async def op() -> tuple[float, int]:
        start = time.perf_counter()
        await fetch_dashboard(pool, state["workspace_id"])
        return (time.perf_counter() - start) * 1000, 5

    await Runner.measure("raw floor", seconds, op)
    await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="/tmp/bench_pg.json")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--only", default="dashboard,single,mutations")
    parser.add_argument("--profile", choices=["dashboard", "single", "mutations"])
    parser.add_argument("--profile-runs", type=int, default=20)
    parser.add_argument(
        "--default-gc", action="store_true", help="keep CPython's GC settings (serve tunes them)"
    )
    asyncio.run(main(parser.parse_args()))
