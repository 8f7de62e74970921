"""Does a query's time grow with the table? Issue 17's queries at several sizes, side by side.

Each `--state` is a bench/datagen.py output (say 10k, 200k and 1M tickets, one database each).
In-process `schema.execute` (one worker's view, no HTTP), as bench/inprocess.py does; rounds
go over every query and every size in turn, so a noisy moment of the shared machine hits all
sizes alike. Prints each query's median per size, the ratio to the first size, and the goal's
verdict (largest ≤ 2x the first and ≤ 30 ms). Figures, not a test.

    .venv/bin/python bench/scale.py --state /tmp/scale_pg_10000.json \\
        --state /tmp/scale_pg_200000.json --state /tmp/scale_pg_1000000.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from app.access.workspaces import authenticate
from app.config import Settings
from app.context import Context
from app.db.engine import Database
from app.domain.cursors import encode_event_cursor
from app.gc_tuning import tune_gc_once
from bench.queries import DASHBOARD, TICKET_FIELDS
from schema import schema

DASHBOARD_COUNT = DASHBOARD.replace("{ edges", "{ totalCount edges", 1)
PAGE = "{ tickets(first: 20) { edges { cursor node { id title state createdAt } } pageInfo { endCursor hasNextPage } } }"  # noqa: E501
SEARCH = '{ tickets(first: 20, filter: {search: "smith"}) { nodes { id title state createdAt } } }'
SEARCH_COUNT = SEARCH.replace("{ nodes", "{ totalCount totalCountIsExact nodes", 1)
LABELS = (
    '{ tickets(first: 50, filter: {labelNames: ["label-03"]}) { edges { node {'
    + TICKET_FIELDS
    + "} } } }"
)
EVENTS = (
    "query ($after: String) { ticketEvents(first: 50, after: $after) {"
    " edges { cursor node { id type toState at ticket { id state } } } } }"
)
QUERIES = {
    "dashboard, 50 tickets": DASHBOARD,
    "dashboard + totalCount": DASHBOARD_COUNT,
    "page of 20": PAGE,
    'search: "smith"': SEARCH,
    "search + totalCount": SEARCH_COUNT,
    "filter labelNames": LABELS,
    "ticketEvents page": EVENTS,
}
GOAL_RATIO, GOAL_MS = 2.0, 30.0


class Size:
    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.db = Database(state["url"])
        self.context: Context | None = None
        # The event page starts in the middle of the log: a cursor a client would hold.
        self.variables = {"after": encode_event_cursor(state.get("events", 0) // 2)}

    async def open(self) -> None:
        principal = await authenticate(self.db, self.state["api_key"])
        settings = Settings(database_url=self.state["url"])
        self.context = Context(db=self.db, settings=settings, principal=principal)

    async def run(self, query: str) -> float:
        assert self.context is not None
        self.context._loaders = None  # a fresh request: fresh loaders
        variables = self.variables if query is EVENTS else None
        start = time.perf_counter()
        result = await schema.execute(query, variable_values=variables, context_value=self.context)
        elapsed = (time.perf_counter() - start) * 1000
        assert result.errors is None, result.errors
        return elapsed


async def main(args: argparse.Namespace) -> None:
    sizes = [Size(json.loads(Path(path).read_text())) for path in args.state]
    for size in sizes:
        await size.open()
    tune_gc_once()  # as `ticketgw serve` does
    timings: dict[tuple[str, int], list[float]] = {}
    for _ in range(args.warmup):
        for query in QUERIES.values():
            for size in sizes:
                await size.run(query)
    for _ in range(args.rounds):
        for name, query in QUERIES.items():
            for index, size in enumerate(sizes):
                for _ in range(args.runs):
                    timings.setdefault((name, index), []).append(await size.run(query))
    labels = [f"{size.state['tickets']:,}" for size in sizes]
    print(f"| query | {' | '.join(labels)} | ratio {labels[-1]} / {labels[0]} | goal |")
    print("| --- |" + " ---: |" * (len(sizes) + 2))
    for name in QUERIES:
        medians = [statistics.median(timings[(name, i)]) for i in range(len(sizes))]
        ratio = medians[-1] / medians[0]
        met = ratio <= GOAL_RATIO and medians[-1] <= GOAL_MS
        cells = " | ".join(f"{m:.1f} ms" for m in medians)
        print(f"| {name} | {cells} | {ratio:.2f} | {'met' if met else 'NOT MET'} |", flush=True)
    for size in sizes:
        await size.db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--state", action="append", required=True, help="datagen JSON, smallest first"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=6, help="runs of a query per size per round")
    parser.add_argument("--warmup", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
