"""The dashboard with and without `sla { ... }` on each ticket, interleaved in one run.

Issue 21 asks that the SLA fields cost the dashboard at most 10%. On the bench database
(bench/datagen.py), gives every open ticket SLA timers (one policy on an office-hours calendar:
a RESOLUTION timer on each, a FIRST_RESPONSE one on helpdesk tickets; idempotent), then runs
the 50-ticket dashboard of bench/queries.py plain and with `sla { metric status dueAt
remainingSeconds }`, alternating in rounds, and prints CPU ms/op, p50 and the ratio of each
round. Figures, not a test.

    .venv/bin/python bench/datagen.py --url postgresql://postgres@127.0.0.1:55490/ticketgw_bench \
        > /tmp/bench_pg.json
    .venv/bin/python bench/sla_dashboard.py --state /tmp/bench_pg.json [--seconds 5] [--rounds 4]
    .venv/bin/python bench/sla_dashboard.py --state /tmp/bench_pg.json --by-field
    .venv/bin/python bench/sla_dashboard.py --state /tmp/bench_pg.json --interleave 10 [--blocks 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from sqlalchemy import text

from app.access.workspaces import authenticate
from app.config import Settings
from app.context import Context
from app.db.engine import Database
from app.gc_tuning import tune_gc_once
from bench.inprocess import Runner, percentile
from bench.queries import DASHBOARD

WITH_SLA = DASHBOARD.replace("} } } }", " sla { metric status dueAt remainingSeconds } } } } }")
# The same without the one computed field: what the timers cost as rows and fields alone.
WITH_SLA_ROWS = DASHBOARD.replace("} } } }", " sla { metric status dueAt } } } } }")
# --by-field: the fields added one at a time, to see what each costs.
BY_FIELD = ["__typename", "metric", "metric status", "metric status dueAt",
            "metric status dueAt remainingSeconds"]  # fmt: skip

_TIMERS = """
INSERT INTO sla_calendar (workspace_id, name, timezone, weekly_hours, exceptions, created_at)
SELECT :ws, 'bench', 'Europe/Berlin', CAST(:hours AS jsonb), CAST('[]' AS jsonb), now()
WHERE NOT EXISTS (SELECT 1 FROM sla_calendar WHERE workspace_id = :ws AND name = 'bench');
INSERT INTO sla_policy (workspace_id, name, priority, calendar_id, first_response_seconds,
    resolution_seconds, warn_before_seconds, pause_while_snoozed, pause_while_awaiting_customer,
    kinds, line_ids, team_ids, label_names, channels, created_at)
SELECT :ws, 'bench', 0, c.id, 14400, 172800, 900, true, false, '[]', '[]', '[]', '[]', '[]', now()
FROM sla_calendar c WHERE c.workspace_id = :ws AND c.name = 'bench'
  AND NOT EXISTS (SELECT 1 FROM sla_policy WHERE workspace_id = :ws AND name = 'bench');
INSERT INTO sla_timer (workspace_id, ticket_id, policy_id, calendar_id, metric, status, cycle,
    target_seconds, warn_before_seconds, pause_while_snoozed, pause_while_awaiting_customer,
    started_at, elapsed_us, running_since, due_at, warn_at, next_at, warning_sent, breach_sent)
SELECT t.workspace_id, t.id, p.id, p.calendar_id, m.metric, 'RUNNING', 1, m.target, 900,
    true, false, t.created_at, 0, t.created_at, t.created_at + interval '2 days', NULL, NULL,
    true, true
FROM ticket t
JOIN sla_policy p ON p.workspace_id = t.workspace_id AND p.name = 'bench'
CROSS JOIN (VALUES ('RESOLUTION', 172800), ('FIRST_RESPONSE', 14400)) m(metric, target)
WHERE t.workspace_id = :ws AND t.state IN ('OPEN', 'IN_PROGRESS', 'PENDING')
  AND (m.metric = 'RESOLUTION' OR t.kind = 'HELPDESK')
ON CONFLICT (ticket_id, metric) DO NOTHING;
"""
_HOURS = json.dumps(
    [
        {"day": d, "opens": o, "closes": c}
        for d in range(5)
        for o, c in (("09:00", "12:00"), ("13:00", "17:00"))
    ]
)


async def give_timers(db: Database, workspace_id: int) -> None:
    async with db.transaction() as session:
        for statement in _TIMERS.split(";\n"):
            if statement.strip():
                await session.execute(text(statement), {"ws": workspace_id, "hours": _HOURS})


async def give_timers_at(url: str, workspace_id: int) -> None:
    """give_timers for a caller without a Database of its own (bench/http_compare.py)."""
    db = Database(url)
    try:
        await give_timers(db, workspace_id)
    finally:
        await db.dispose()


async def interleaved(run: Runner, size: int, blocks: int) -> None:
    """Plain and sla in alternating blocks of `size` requests (which goes first alternates
    too): on a shared machine the load moves within seconds, and a ratio of neighbouring
    blocks follows it less than one of rounds seconds apart. CPU ms/op, medians of the blocks."""
    for query in (DASHBOARD, WITH_SLA):
        for _ in range(20):
            await run.execute(query)
    cpu: dict[str, list[float]] = {DASHBOARD: [], WITH_SLA: []}
    for block in range(blocks):
        for query in (DASHBOARD, WITH_SLA) if block % 2 == 0 else (WITH_SLA, DASHBOARD):
            start = time.process_time()
            for _ in range(size):
                await run.execute(query)
            cpu[query].append((time.process_time() - start) * 1000 / size)
    plain, sla = statistics.median(cpu[DASHBOARD]), statistics.median(cpu[WITH_SLA])
    by_block = statistics.median(s / p for s, p in zip(cpu[WITH_SLA], cpu[DASHBOARD], strict=True))
    print(
        f"{blocks} blocks of {size}: plain CPU {plain:5.2f} ms/op | sla CPU {sla:5.2f} ms/op "
        f"(x{sla / plain:.3f}; median of the blocks' ratios x{by_block:.3f})",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    state = json.loads(Path(args.state).read_text())
    db = Database(state["url"])
    principal = await authenticate(db, state["api_key"])
    assert principal is not None, "the bench key was refused"
    await give_timers(db, principal.workspace_id)
    context = Context(db=db, settings=Settings(database_url=state["url"]), principal=principal)
    run = Runner(db, context)
    tune_gc_once()

    async def measure(query: str) -> tuple[float, float, int]:
        for _ in range(5):
            await run.execute(query)
        timings, counts = [], set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + args.seconds
        cpu = time.process_time()
        while loop.time() < deadline:
            data, ms, count = await run.execute(query)
            assert len(data["tickets"]["edges"]) == 50
            timings.append(ms)
            counts.add(count)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(timings)
        return cpu_ms, percentile(timings, 0.5), max(counts)

    if args.by_field:
        queries = [DASHBOARD] + [
            DASHBOARD.replace("} } } }", f" sla {{ {fields} }} }} }} }} }}") for fields in BY_FIELD
        ]
        for round_ in range(1, args.rounds + 1):
            cpu = [(await measure(query))[0] for query in queries]
            steps = " | ".join(
                f"{fields}: {ms:5.2f} (x{ms / cpu[0]:.3f})"
                for fields, ms in zip(BY_FIELD, cpu[1:], strict=True)
            )
            print(f"round {round_}: plain CPU {cpu[0]:5.2f} ms/op | sla {{ {steps} }}", flush=True)
        await db.dispose()
        return
    data, _ms, _n = await run.execute(WITH_SLA)
    with_timers = sum(1 for e in data["tickets"]["edges"] if e["node"]["sla"])
    print(f"{state['tickets']} tickets; {with_timers} of 50 on the page have timers", flush=True)
    if args.interleave:
        await interleaved(run, args.interleave, args.blocks)
        await db.dispose()
        return
    for round_ in range(1, args.rounds + 1):
        plain = await measure(DASHBOARD)
        rows = await measure(WITH_SLA_ROWS)
        sla = await measure(WITH_SLA)
        print(
            f"round {round_}: plain CPU {plain[0]:5.2f} ms/op p50 {plain[1]:5.2f} ms "
            f"({plain[2]} statements) | sla without remainingSeconds CPU {rows[0]:5.2f} "
            f"(x{rows[0] / plain[0]:.3f}) | sla CPU {sla[0]:5.2f} ms/op p50 {sla[1]:5.2f} ms "
            f"({sla[2]} statements) | ratio CPU {sla[0] / plain[0]:.3f} "
            f"p50 {sla[1] / plain[1]:.3f}",
            flush=True,
        )
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--by-field", action="store_true", help="what each SlaTimer field adds")
    parser.add_argument(
        "--interleave", type=int, metavar="N", help="plain and sla in alternating blocks of N"
    )
    parser.add_argument("--blocks", type=int, default=30, help="with --interleave")
    asyncio.run(main(parser.parse_args()))
