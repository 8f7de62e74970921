"""The fan-out benchmark's two measurements, steady and burst (bench/subscriptions_ws.py runs
them): subscriber processes started and stopped, the writer driven, the deliveries counted."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from bench.fanout_burst import write_burst
from bench.load_client_driver import go, percentile, results, start_clients
from bench.servers import ROOT, Server, cpu_ms

SUBSCRIPTION = """subscription ($after: String) { ticketStatusChanged(after: $after) {
  cursor type at SELECTION } }"""
CREATE_LINE = 'mutation { createLine(input: {name: "Bench"}) { line { id } errors { code } } }'
_PAYLOAD = "{ ticket { id } errors { code message } }"
CREATE = "mutation ($l: ID!) { createQueueTicket(input: {lineId: $l}) " + _PAYLOAD + " }"
# keepPrevious: one event per call (calling would otherwise serve the writer's other tickets)
CALL = "mutation ($id: ID!) { callTicket(input: {id: $id, keepPrevious: true}) " + _PAYLOAD + " }"
SERVE = "mutation ($id: ID!) { markTicketServed(input: {id: $id}) " + _PAYLOAD + " }"
EVENT_OF = {"create": "CREATED", "call": "CALLED", "serve": "SERVED"}


def _body(query: str, **variables: str) -> str:
    return json.dumps({"query": query, "variables": variables})


def writer_client(key: str, line: str) -> dict[str, Any]:
    return {
        "headers": {"Authorization": f"Bearer {key}"},
        "steps": [
            {"name": "create", "path": "/graphql", "body": _body(CREATE, l=line), "capture": True},
            {"name": "call", "path": "/graphql", "body": _body(CALL, id="__TICKET__")},
            {"name": "serve", "path": "/graphql", "body": _body(SERVE, id="__TICKET__")},
        ],
    }


async def start_subscribers(
    args: argparse.Namespace, port: int, key: str, until: int | None = None
) -> list[asyncio.subprocess.Process]:
    query = SUBSCRIPTION.replace("SELECTION", "" if args.lean else "ticket { id state }")
    procs = []
    for i in range(args.client_procs):
        n = len(range(i, args.subscribers, args.client_procs))
        plan = {
            "url": f"ws://127.0.0.1:{port}/graphql",
            "key": key,
            "query": query,
            "connections": n,
            "until": until,
            "timeout": args.burst_timeout,
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.ws_subscribers",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 30,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(plan).encode() + b"\n")
        procs.append(proc)
    for proc in procs:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"a subscriber process did not start: {line!r}")
    await asyncio.sleep(1.5)  # let every subscription register with the feed ("from now")
    return procs


async def stop_subscribers(
    procs: list[asyncio.subprocess.Process], stop: dict[str, Any]
) -> list[dict[str, Any]]:
    line = json.dumps(stop).encode() + b"\n"
    every: list[dict[str, Any]] = []
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(line)
        await proc.stdin.drain()
    for proc in procs:
        assert proc.stdout is not None
        while (out := await proc.stdout.readline()).strip() in (b"full", b"timeout"):
            pass
        every += json.loads(out)
        await proc.wait()
    return every


def promise_kept(conns: list[dict[str, Any]]) -> str:
    bad = [c for c in conns if not c["in_order"] or c["distinct"] != c["delivered"]]
    return "yes" if not bad else f"NO: {len(bad)} connections out of order or duplicated"


async def steady(
    args: argparse.Namespace, subs: Server, writes: Server, key: str, line: str
) -> dict[str, Any]:
    procs = await start_subscribers(args, subs.port, key)
    clients_pids = [p.pid for p in procs]
    plan = {
        "port": writes.port,
        "duration": args.seconds,
        "rate": args.rate,
        "warmup": False,
        "record": True,
        "clients": [writer_client(key, line)] * args.writers,
    }
    writer = await start_clients(plan, 1)
    cpu_before, measured_from = cpu_ms(subs.pids() + clients_pids), time.time()
    await go(writer, 0.2)
    written = (await results(writer))[0]
    writes_end = time.time()
    await asyncio.sleep(args.grace)
    cpu_after = cpu_ms(subs.pids() + clients_pids)
    ok = [r for r in written["records"] if r[4]]
    acks = {f"{ticket} {EVENT_OF[step]}": done for step, ticket, _sent, done, _ok in ok}
    conns = await stop_subscribers(procs, {"acks": acks, "deadline": writes_end + args.grace})
    delivered = sum(c["delivered"] for c in conns)
    expected = len(ok) * len(conns)
    at = [x for c in conns for x in c["at_ms"]]
    ack = [x for c in conns for x in c["ack_ms"]]
    server_ms = sum(v - cpu_before.get(p, 0) for p, v in cpu_after.items() if p not in clients_pids)
    client_ms = sum(v - cpu_before.get(p, 0) for p, v in cpu_after.items() if p in clients_pids)
    write_lat = [x for v in written["latencies"].values() for x in v]
    return {
        "mode": "steady",
        "subscribers": len(conns),
        "rate_asked": args.rate,
        "written": len(ok),
        "write_errors": written["errors"],
        "rate_written": len(ok) / args.seconds,
        "write_p50": percentile(write_lat, 0.5),
        "write_p99": percentile(write_lat, 0.99),
        "expected": expected,
        "delivered": delivered,
        "undelivered": 1 - delivered / expected if expected else float("nan"),
        "at_p50": percentile(at, 0.5),
        "at_p99": percentile(at, 0.99),
        "at_max": max(at, default=0),
        "ack_p50": percentile(ack, 0.5),
        "ack_p99": percentile(ack, 0.99),
        "server_cpu_ms_per_delivery": server_ms / max(delivered, 1),
        "server_busy": server_ms / 1000 / (time.time() - measured_from),
        "client_cpu_s": client_ms / 1000,
        "promise": promise_kept(conns),
    }


async def burst(
    args: argparse.Namespace, subs: Server, key: str, workspace_id: int, admin_id: int, line_pk: int
) -> dict[str, Any]:
    procs = await start_subscribers(args, subs.port, key, until=args.burst_events)
    cpu_before = cpu_ms(subs.pids())
    committed = await write_burst(
        args.sqla_url, args.broker, workspace_id, admin_id, line_pk, args.burst_events
    )
    for proc in procs:  # each says "full" (or "timeout") once its connections have them all
        assert proc.stdout is not None
        await proc.stdout.readline()
    cpu_after = cpu_ms(subs.pids())
    server_ms = sum(v - cpu_before.get(p, 0) for p, v in cpu_after.items())
    conns = await stop_subscribers(procs, {})
    delivered = sum(c["delivered"] for c in conns)
    last = max(c["last"] or committed for c in conns)
    first = min(c["first"] or last for c in conns)
    seconds = last - committed
    return {
        "mode": "burst",
        "subscribers": len(conns),
        "events": args.burst_events,
        "expected": args.burst_events * len(conns),
        "delivered": delivered,
        "first_after_s": first - committed,
        "last_after_s": seconds,
        "deliveries_per_s": delivered / seconds if seconds > 0 else float("nan"),
        "server_cpu_ms_per_delivery": server_ms / max(delivered, 1),
        "server_busy": server_ms / 1000 / seconds if seconds > 0 else float("nan"),
        "promise": promise_kept(conns),
    }
