"""CPU per addTicketMessage through the whole ASGI app, in-process: no uvicorn, no sockets.

Makes a fresh database on a PostgreSQL server (or a SQLite file), one workspace with an agent
key and helpdesk tickets, then `--callers` concurrent callers each POST addTicketMessage (the
write benchmark's document, bench/write_ops.py) to their own tickets through the real app
(middleware, Strawberry's view, authentication, execution, the unit of work, the answer). It
prints the process CPU per mutation, the least of several rounds (on a shared machine the
minimum is the figure least disturbed by others). `--profile out.txt` writes a cProfile of one
more round, sorted by cumulative time. Run it on two trees back to back and compare.

    .venv/bin/python bench/write_path.py --database-url postgresql://postgres@127.0.0.1:55461/postgres
    .venv/bin/python bench/write_path.py --database-url ... --profile /tmp/write.prof.txt
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import httpx

from app.config import Settings
from app.gc_tuning import tune_gc_once
from app.main import create_app
from bench.http_path import post
from bench.write_ops import MESSAGE
from bench.write_setup import (
    CREATE_HELPDESK,
    CREATE_KEY,
    CREATE_USER,
    database_urls,
    gql,
    make_workspaces,
    recreate_database,
)


async def seed(app: Any, admin: str, callers: int) -> list[tuple[str, str]]:
    """(agent key, ticket id) per caller, made through GraphQL on the app."""
    transport = httpx.ASGITransport(app=app)
    made = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for i in range(callers):
            user = (await gql(http, admin, CREATE_USER, n=f"Agent {i}"))["user"]["id"]
            key = (await gql(http, admin, CREATE_KEY, u=user))["key"]
            ticket = await gql(http, key, CREATE_HELPDESK, s=f"Bench {i}")
            made.append((key, ticket["ticket"]["id"]))
    return made


async def cpu_per_mutation(app: Any, slots: list[tuple[str, str]], each: int) -> float:
    async def caller(key: str, ticket: str) -> None:
        body = json.dumps({"query": MESSAGE, "variables": {"id": ticket}}).encode()
        for _ in range(each):
            await post(app, body, key)

    started = time.process_time()
    await asyncio.gather(*(caller(key, ticket) for key, ticket in slots))
    return (time.process_time() - started) / (each * len(slots))


async def profiled(app: Any, slots: list[tuple[str, str]], each: int) -> str:
    """One more round under pyinstrument (what runs, not what is awaited: the loop's idle
    `select` shows as such), else cProfile on CPU time (greenlet hops blur its totals)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        await cpu_per_mutation(app, slots, each)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(80)
        return out.getvalue()
    sampler = Profiler(interval=0.0005, async_mode="disabled")
    sampler.start()
    await cpu_per_mutation(app, slots, each)
    sampler.stop()
    text: str = sampler.output_text(unicode=False, color=False, show_all=False)
    return text


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server, or sqlite")
    parser.add_argument("--db-name", default="ticketgw_writepath")
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--each", type=int, default=50, help="mutations per caller and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", help="write a cProfile of one more round here")
    args = parser.parse_args()
    os.environ.setdefault("TICKETGW_LOG_LEVEL", "warning")
    if args.database_url.startswith("sqlite"):
        url = args.database_url
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    else:
        await recreate_database(args.database_url, args.db_name)
        url = database_urls(args.database_url, args.db_name)[1]
    workspaces = await make_workspaces(url)
    admin = workspaces["one"][1]
    app = create_app(Settings.from_env(database_url=url, rate_limit=0))
    tune_gc_once()
    best = float("inf")
    async with app.router.lifespan_context(app):
        slots = await seed(app, admin, args.callers)
        await cpu_per_mutation(app, slots, max(args.each // 4, 1))  # warm up
        for _ in range(args.rounds):
            best = min(best, await cpu_per_mutation(app, slots, args.each))
        if args.profile:
            Path(args.profile).write_text(await profiled(app, slots, args.each))
    print(f"addTicketMessage {best * 1e6:8.0f} us CPU/mutation (least of {args.rounds} rounds, "
          f"{args.callers} callers)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
