"""Subscription fan-out through real gateways: N subscribers on one process, steady writes, bursts.

Makes a fresh database (PostgreSQL: on the server of --database-url; or an SQLite file), its
own redis-server, and two `ticketgw serve` processes of one worker each: the subscribers'
(measured) and the writer's, so that the mutations' CPU is not the fan-out's (`--writer-gateway
same` writes through the subscribers' process instead). Subscribers are graphql-transport-ws
clients of ticketStatusChanged ("from now"), spread over `--client-procs` processes
(bench/ws_subscribers.py) so their CPU is not the writer's either.

- steady: a rate-controlled writer (bench/load_client.py, its own process) makes `--rate`
  status changes a second for `--seconds` (create, call, serve queue tickets). Prints p50/p99
  from the event's `at` to receipt (`at` is stamped when the writing unit of work begins, so
  this includes the write itself) and from the writer's answer to receipt (a lower bound: the
  answer comes after COMMIT), and the fraction of deliveries not there `--grace` s after the
  last write.
- burst: `--burst-events` events committed in one transaction (bench/fanout_burst.py); prints
  the deliveries a second from COMMIT to the last receipt, for the subscribers' process.

Each mode also checks what subscribers were promised: every connection's cursors in order,
each once. Clocks: CLOCK_REALTIME of one machine throughout (see bench/ws_subscribers.py).

    .venv/bin/python bench/subscriptions_ws.py --subscribers 200 --rate 50 --seconds 20
    .venv/bin/python bench/subscriptions_ws.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.access.workspaces import create_workspace
from app.config import normalize_database_url
from app.db.engine import Database
from app.db.schema_setup import migrate
from bench.fanout_runs import CREATE_LINE, burst, steady
from bench.servers import gateway, redis_server, uptime
from bench.write_setup import database_urls, recreate_database
from schema.ids import decode_id


def print_result(r: dict[str, Any]) -> None:
    if r["mode"] == "steady":
        print(
            f"steady: {r['subscribers']} subscribers, {r['rate_written']:.1f} status changes/s "
            f"written (asked {r['rate_asked']}; {r['written']} ok, {r['write_errors']} errors; "
            f"write p50 {r['write_p50']:.1f} ms, p99 {r['write_p99']:.1f} ms)\n"
            f"  at -> receipt: p50 {r['at_p50']:.1f} ms, p99 {r['at_p99']:.1f} ms, "
            f"max {r['at_max']:.1f} ms; answer -> receipt: p50 {r['ack_p50']:.1f} ms, "
            f"p99 {r['ack_p99']:.1f} ms\n"
            f"  delivered {r['delivered']} of {r['expected']}: not delivered "
            f"{r['undelivered']:.1%} by the deadline; in order, each once: {r['promise']}\n"
            f"  subscribers' process: {r['server_cpu_ms_per_delivery'] * 1000:.0f} us CPU a "
            f"delivery, busy {r['server_busy']:.0%} of a core; subscriber clients "
            f"{r['client_cpu_s']:.1f} CPU s",
            flush=True,
        )
    else:
        print(
            f"burst: {r['events']} events to {r['subscribers']} subscribers: delivered "
            f"{r['delivered']} of {r['expected']}, first {r['first_after_s'] * 1000:.0f} ms "
            f"and last {r['last_after_s'] * 1000:.0f} ms after COMMIT: "
            f"{r['deliveries_per_s']:,.0f} deliveries/s by one process; CPU "
            f"{r['server_cpu_ms_per_delivery'] * 1000:.0f} us a delivery, busy "
            f"{r['server_busy']:.0%} of a core; in order, each once: {r['promise']}",
            flush=True,
        )


async def main(args: argparse.Namespace) -> None:
    print(f"start {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; {uptime()}", flush=True)
    if args.database_url.startswith("sqlite"):
        args.sqla_url = normalize_database_url(args.database_url)
    else:
        await recreate_database(args.database_url, args.db_name)
        args.sqla_url = database_urls(args.database_url, args.db_name)[1]
    await asyncio.to_thread(migrate, args.sqla_url)
    db = Database(args.sqla_url)
    ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    await db.dispose()
    redis = None
    if args.broker_url:
        args.broker = args.broker_url
    else:
        redis = await asyncio.to_thread(redis_server().start)
        args.broker = f"redis://127.0.0.1:{redis.port}/0"
    subs = gateway("subs", args.sqla_url, args.broker, 1)
    writes = (
        subs if args.writer_gateway == "same" else gateway("writes", args.sqla_url, args.broker, 1)
    )
    try:
        for server in {id(s): s for s in (subs, writes)}.values():
            await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=subs.url(), timeout=30) as http:
            answer = await http.post(
                "/graphql",
                json={"query": CREATE_LINE},
                headers={"Authorization": f"Bearer {ws.api_key}"},
            )
            line = answer.json()["data"]["createLine"]["line"]["id"]
        print(
            f"gateways: subscribers' on {subs.port}, writer's on {writes.port}; broker "
            f"{args.broker}; database {args.sqla_url.split('@')[-1]}",
            flush=True,
        )
        found = []
        for mode in args.modes:
            if mode == "steady":
                r = await steady(args, subs, writes, ws.api_key, line)
            else:
                r = await burst(
                    args, subs, ws.api_key, ws.workspace.id, ws.admin.id, decode_id(line)[1]
                )
            r["uptime"] = uptime()
            print_result(r)
            print(f"  {r['uptime']}", flush=True)
            found.append(r)
    finally:
        for server in {id(s): s for s in (subs, writes, redis) if s is not None}.values():
            await asyncio.to_thread(server.stop)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(found, indent=1))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:55460/postgres",
        help="a PostgreSQL server (a fresh database is made on it) or sqlite:///file",
    )
    parser.add_argument("--db-name", default="ticketgw_fanoutbench")
    parser.add_argument("--broker-url", help="default: a redis-server of its own")
    parser.add_argument("--modes", default="steady,burst")
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--rate", type=float, default=50.0, help="status changes a second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--writers", type=int, default=8, help="the writer's connections")
    parser.add_argument(
        "--grace",
        type=float,
        default=10.0,
        help="seconds after the last write before counting what arrived",
    )
    parser.add_argument("--writer-gateway", choices=["other", "same"], default="other")
    parser.add_argument("--burst-events", type=int, default=1000)
    parser.add_argument("--burst-timeout", type=float, default=120.0)
    parser.add_argument("--lean", action="store_true", help="don't select the ticket")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small and short")
    parser.add_argument("--json-out")
    args = parser.parse_args(argv)
    if args.quick:
        args.subscribers, args.rate, args.seconds, args.grace = 20, 20.0, 3.0, 3.0
        args.burst_events, args.burst_timeout = 100, 30.0
    args.modes = args.modes.split(",")
    if args.database_url.startswith("sqlite") and args.database_url.endswith(":///"):
        args.database_url += f"{tempfile.mkdtemp()}/bench.db"
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
