"""Where the dashboard's `sla { ... }` time goes in the gateway, part by part (issue 21).

bench/sla_dashboard.py gives the whole ratio, ±0.1 from round to round on a shared machine;
this splits the sla part of it, which moves less with the load: wall time spent completing
`Ticket.sla` (the compiled completion's relation step, timers and all their fields) and, inside
it, in app.sla.reads.remaining_seconds. Both are timed by wrapping them in this process only
(a perf_counter pair each, ~0.1 µs). Same bench data and timers as bench/sla_dashboard.py.
Figures, not a test.

    .venv/bin/python bench/sla_parts.py --state /tmp/bench_pg.json [--requests 300] [--rounds 3]
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

from graphql import get_named_type

from app.access.workspaces import authenticate
from app.config import Settings
from app.context import Context
from app.db.engine import Database
from app.gc_tuning import tune_gc_once
from bench.inprocess import Runner
from bench.queries import DASHBOARD
from bench.sla_dashboard import WITH_SLA, WITH_SLA_ROWS, give_timers
from schema.executor import completion
from schema.types import sla as sla_types

# Seconds spent in each part since the last reset.
spent = {"sla": 0.0, "remaining": 0.0}


def _timed_relations() -> None:
    """Time the relation step of every `sla` field the compiled completion builds."""
    relation_step = completion.CompiledCompletion._relation_step

    def timed_step(self: Any, definition: Any, field: Any, completer: Any) -> Any:
        step = relation_step(self, definition, field, completer)
        if step is None or get_named_type(field.field_def.type).name != "SlaTimer":
            return step

        def timed(value: Any, path: Any) -> Any:
            start = time.perf_counter()
            try:
                return step(value, path)
            finally:
                spent["sla"] += time.perf_counter() - start

        return completion._marked(timed, needs_path=completion.needs_path(step))

    completion.CompiledCompletion._relation_step = timed_step  # type: ignore[method-assign]  # this process only


def _timed_remaining() -> None:
    reads = sla_types.sla_reads
    remaining_seconds = reads.remaining_seconds

    def timed(row: Any, now: Any) -> int:
        start = time.perf_counter()
        try:
            return remaining_seconds(row, now)
        finally:
            spent["remaining"] += time.perf_counter() - start

    reads.remaining_seconds = timed  # this process only


async def main(args: argparse.Namespace) -> None:
    _timed_relations()
    _timed_remaining()
    state = json.loads(Path(args.state).read_text())
    db = Database(state["url"])
    principal = await authenticate(db, state["api_key"])
    assert principal is not None, "the bench key was refused"
    await give_timers(db, principal.workspace_id)
    settings = Settings(database_url=state["url"])
    run = Runner(db, Context(db=db, settings=settings, principal=principal))
    tune_gc_once()
    queries = {"plain": DASHBOARD, "sla, no remainingSeconds": WITH_SLA_ROWS, "sla": WITH_SLA}
    for query in queries.values():
        for _ in range(20):
            await run.execute(query)
    for round_ in range(1, args.rounds + 1):
        parts = []
        for name, query in queries.items():
            spent.update(sla=0.0, remaining=0.0)
            cpu = time.process_time()
            for _ in range(args.requests):
                await run.execute(query)
            per_op = {key: value * 1000 / args.requests for key, value in spent.items()}
            cpu_ms = (time.process_time() - cpu) * 1000 / args.requests
            parts.append(
                f"{name}: CPU {cpu_ms:5.2f} ms/op, completing sla {per_op['sla']:.3f} ms "
                f"(remaining_seconds {per_op['remaining']:.3f})"
            )
        print(f"round {round_}: " + " | ".join(parts), flush=True)
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
