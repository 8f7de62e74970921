"""CPU per request of the whole ASGI app, in-process: no uvicorn, no sockets, no wrk.

Eight concurrent callers POST one operation to /graphql through the real app (middleware,
Strawberry's view, authentication, execution, response encoding) with its lifespan running.
It prints the process CPU time per request, the least of several rounds: on a shared machine
the minimum is the figure least disturbed by other processes. Run it for two commits back to
back (a checkout of each) and compare; over HTTP, bench/http_compare.py gives requests/s.

    .venv/bin/python bench/http_path.py --state /tmp/bench_pg.json
    .venv/bin/python bench/http_path.py --state /tmp/bench_pg.json --no-key --only typename
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from app.config import Settings
from app.gc_tuning import tune_gc_once
from app.main import create_app
from bench.queries import DASHBOARD, SINGLE
from bench.sla_dashboard import WITH_SLA
from schema.ids import encode_id

CALLERS = 8


def bodies(state: dict[str, Any]) -> dict[str, bytes]:
    single = {"query": SINGLE, "variables": {"id": encode_id("Ticket", state["ticket_id"])}}
    operations = {"typename": {"query": "{ __typename }"}, "single": single}
    operations["dashboard"] = {"query": DASHBOARD}
    # With SLA timers (issue 21; bench/sla_dashboard.py gives the tickets their timers).
    operations["dashboard_sla"] = {"query": WITH_SLA}
    return {name: json.dumps(body).encode() for name, body in operations.items()}


async def post(app: Any, body: bytes, key: str | None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if key:
        headers.append((b"authorization", b"Bearer " + key.encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"status {message['status']}")
        # An answer with errors (a refusal, say) costs far less than the work: stop, loudly.
        if message["type"] == "http.response.body" and message["body"].startswith(b'{"data":null'):
            raise SystemExit(f"refused: {message['body'][:200]!r}")

    await app(scope, receive, send)


async def cpu_per_request(app: Any, body: bytes, key: str | None, requests: int) -> float:
    async def caller(count: int) -> None:
        for _ in range(count):
            await post(app, body, key)

    per_caller = max(requests // CALLERS, 1)
    started = time.process_time()
    await asyncio.gather(*(caller(per_caller) for _ in range(CALLERS)))
    return (time.process_time() - started) / (per_caller * CALLERS)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, help="the JSON state bench/datagen.py wrote")
    parser.add_argument("--requests", type=int, default=1000, help="per round and operation")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--only", help="comma-separated: typename, single, dashboard, dashboard_sla"
    )
    parser.add_argument("--no-key", action="store_true", help="anonymous: no authentication")
    args = parser.parse_args()
    with open(args.state) as file:
        state = json.load(file)
    os.environ.setdefault("TICKETGW_LOG_LEVEL", "warning")
    operations = bodies(state)
    names = args.only.split(",") if args.only else list(operations)
    key = None if args.no_key else state["api_key"]
    # No rate limit: thousands of dashboards a minute are the point here (as in http_compare).
    app = create_app(Settings.from_env(database_url=state["url"], rate_limit=0))
    tune_gc_once()
    best: dict[str, float] = {}
    async with app.router.lifespan_context(app):
        for name in names:  # warm up: caches, prepared statements, the pool
            await cpu_per_request(app, operations[name], key, args.requests // 4)
        for _ in range(args.rounds):
            for name in names:
                cpu = await cpu_per_request(app, operations[name], key, args.requests)
                best[name] = min(cpu, best.get(name, cpu))
    for name in names:
        print(f"{name:10} {best[name] * 1e6:8.0f} us CPU/request (least of {args.rounds} rounds)")


if __name__ == "__main__":
    asyncio.run(main())
