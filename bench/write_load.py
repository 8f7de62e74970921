"""Writes under concurrency: mutations/s, p50/p99 and statements per mutation (issue 16).

Makes a fresh database on a PostgreSQL server (a private one: other developers' load on the
shared server would skew it), starts its own redis-server, `ticketgw serve --workers 2` and the
hand-written asyncpg floor (bench/write_floor.py, 2 workers), and seeds workspace "one" with an
agent and tickets per client slot, and 16 small workspaces sharing the same number of slots.

1. Untimed: statements per mutation type through a counting proxy (bench/write_statements.py),
   with one traced request each, and a traced run of 16 clients on one workspace: how long a
   write waits for the workspace row and holds it.
2. Timed, from separate load processes (bench/load_client.py): for each client count, each
   configuration (gateway or floor, one workspace or 16) for `--duration` seconds; the order of
   the configurations is reversed every other round, so none always runs first. Each client
   writes to its own tickets (never a ticket another client writes).

    .venv/bin/python bench/write_load.py --database-url postgresql://postgres@127.0.0.1:55460/postgres
    .venv/bin/python bench/write_load.py --quick          # smoke run, ~1 minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import write_report
from bench.load_client_driver import run_load
from bench.pgactivity import sampled
from bench.pgcount import start_proxy
from bench.servers import Server, cluster_pids, cpu_ms, free_port, gateway, redis_server, uptime
from bench.write_ops import floor_client, message_client, mix_client
from bench.write_setup import (
    Fixture,
    Slot,
    database_urls,
    make_workspaces,
    recreate_database,
    seed,
)
from bench.write_statements import (
    held_summary,
    lock_spans,
    measure_floor,
    measure_mutations,
    median_request,
    print_request,
)

WORKLOADS = {"message": message_client, "mix": mix_client}


def floor_server(plain_url: str, broker: str, workers: int = 2) -> Server:
    return Server(
        "floor",
        [sys.executable, "-m", "bench.write_floor", "--port", "{port}", "--workers", str(workers)],
        {"TICKETGW_BENCH_PG": plain_url, "TICKETGW_BENCH_REDIS": broker},
    )


async def server_settings(plain_url: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(plain_url)
    try:
        names = ("server_version", "fsync", "synchronous_commit", "max_connections")
        values = [await conn.fetchval(f"SHOW {name}") for name in names]
    finally:
        await conn.close()
    return ", ".join(f"{n} {v}" for n, v in zip(names, values, strict=True))


async def count_phase(
    args: argparse.Namespace, plain: str, sqla: str, broker: str, fixture: Fixture
) -> dict[str, Any]:
    """Statements per mutation and the traced lock spans, behind the proxy. Untimed."""
    host_port = plain.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy_port = free_port()
    proxy, count = await start_proxy(proxy_port, (host, int(port)), trace=True)
    gw = gateway("gw-counted", sqla.replace(host_port, f"127.0.0.1:{proxy_port}"), broker, 2)
    floor = floor_server(plain.replace(host_port, f"127.0.0.1:{proxy_port}"), broker)
    out: dict[str, Any] = {"counts": {}, "held": {}, "loaded": {}}
    try:
        await asyncio.to_thread(gw.start)
        await asyncio.to_thread(floor.start)
        async with httpx.AsyncClient(base_url=gw.url(), timeout=60) as http:
            found = await measure_mutations(http, count, fixture.one[0], args.repeat)
        async with httpx.AsyncClient(base_url=floor.url(), timeout=60) as http:
            found["floor message"] = await measure_floor(http, count, fixture.one[0], args.repeat)
        print("\n## Statements per mutation (untimed, through the counting proxy)")
        for name, requests in found.items():
            print_request(median_request(requests))
            out["counts"][name] = sorted(r.count for r in requests)
            out["held"][name] = held_summary(requests)
        loaded = min(16, len(fixture.one))
        assert count.trace is not None  # started with trace=True
        for name, server, make in (("gateway", gw, message_client), ("floor", floor, floor_client)):
            count.trace.clear()
            clients = [make(slot) for slot in fixture.one[:loaded]]
            await run_load(server.port, clients, args.trace_seconds, args.warmup, 1)
            spans = lock_spans(count.trace or [])
            out["loaded"][name] = write_report.span_summary(spans)
        print(f"\n## The workspace row under load: {loaded} clients on one workspace, traced")
        write_report.print_spans(out["loaded"])
    finally:
        await asyncio.to_thread(gw.stop)
        await asyncio.to_thread(floor.stop)
        proxy.close()
    return out


async def measure(
    server: Server,
    clients: list[dict[str, Any]],
    args: argparse.Namespace,
    plain: str,
    pg_port: int,
) -> dict[str, Any]:
    pids = server.pids()
    before_server, before_pg = cpu_ms(pids), cpu_ms(cluster_pids(pg_port))
    async with sampled(plain) as activity:
        result = await run_load(server.port, clients, args.duration, args.warmup, args.load_procs)
    after_pg = cpu_ms(cluster_pids(pg_port))
    done = max(result["ok"], 1)
    result["server_cpu_ms"] = (
        sum(ms - before_server.get(pid, 0.0) for pid, ms in cpu_ms(pids).items()) / done
    )
    result["pg_cpu_ms"] = sum(ms - before_pg.get(pid, 0.0) for pid, ms in after_pg.items()) / done
    result["activity"] = activity.means()
    return result


async def main(args: argparse.Namespace) -> None:
    plain, sqla = database_urls(args.database_url, args.db_name)
    pg_port = int(plain.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    print(f"start {started}; {uptime()}", flush=True)
    await recreate_database(args.database_url, args.db_name)
    workspaces = await make_workspaces(sqla)
    print(f"PostgreSQL: {await server_settings(plain)}", flush=True)
    redis = None
    if args.broker_url:
        broker = args.broker_url
    else:
        redis = await asyncio.to_thread(redis_server().start)
        broker = f"redis://127.0.0.1:{redis.port}/0"
    gw = gateway("gw", sqla, broker, 2)
    floor = floor_server(plain, broker)
    report: dict[str, Any] = {"started": started, "uptime_start": uptime(), "runs": []}
    try:
        await asyncio.to_thread(gw.start)
        await asyncio.to_thread(floor.start)
        slots = max(args.clients)
        fixture = await seed(gw.url(), workspaces, slots, args.tickets_each)
        print(f"seeded {slots} slots in one workspace and {slots} over 16; {uptime()}", flush=True)
        if not args.skip_counts:
            report.update(await count_phase(args, plain, sqla, broker, fixture))
        configs = _configs(args, gw, floor, fixture)
        for rnd in range(args.rounds):
            for clients in args.clients:
                order = configs if rnd % 2 == 0 else configs[::-1]
                for name, server, make, slots_of in order:
                    specs = [make(slot) for slot in slots_of[:clients]]
                    result = await measure(server, specs, args, plain, pg_port)
                    run = {"round": rnd, "clients": clients, "config": name, **result}
                    report["runs"].append(run)
                    write_report.print_run(run)
    finally:
        for running in (gw, floor, redis):
            if running is not None:
                await asyncio.to_thread(running.stop)
    report["uptime_end"] = uptime()
    print(f"\nend {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; {report['uptime_end']}")
    write_report.print_summary(report)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=1))


def _configs(
    args: argparse.Namespace, gw: Server, floor: Server, fixture: Fixture
) -> list[tuple[str, Server, Any, list[Slot]]]:
    configs = []
    for workload in args.workloads:
        make = WORKLOADS[workload]
        configs += [
            (f"gateway {workload}, 1 workspace", gw, make, fixture.one),
            (f"gateway {workload}, 16 workspaces", gw, make, fixture.spread),
        ]
    if not args.no_floor:
        configs += [
            ("floor message, 1 workspace", floor, floor_client, fixture.one),
            ("floor message, 16 workspaces", floor, floor_client, fixture.spread),
        ]
    return configs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:55460/postgres",
        help="a PostgreSQL server to make the bench database on",
    )
    parser.add_argument("--db-name", default="ticketgw_writebench")
    parser.add_argument("--broker-url", help="default: a redis-server of its own")
    parser.add_argument("--clients", default="1,4,16,64")
    parser.add_argument("--workloads", default="message", help="message,mix")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--load-procs", type=int, default=1)
    parser.add_argument("--tickets-each", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=10, help="requests per mutation counted")
    parser.add_argument("--trace-seconds", type=float, default=3.0)
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--skip-counts", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small and short")
    parser.add_argument("--json-out")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.rounds, args.duration, args.warmup = "1,4", 1, 2.0, 0.5
        args.repeat, args.tickets_each, args.trace_seconds = 3, 2, 1.0
    args.clients = [int(c) for c in str(args.clients).split(",")]
    args.workloads = args.workloads.split(",")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
