"""A seeded day at a three-desk line replayed through the API with a set clock: Poisson
arrivals, lognormal desk times, a few no-shows. At every step the waiting tickets' estimates
are monotone in position; at the end the estimates made when tickets joined the line are
compared with when they were actually called (the median relative error for tickets that waited
10 minutes or more must be within 25%; the test prints it), and Line.stats is checked against
the same day counted here."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

import pytest

from tests.floor import clock as floor_clock
from tests.floor.helpers import NO_SHOW, SERVE, line, ticket

pytestmark = pytest.mark.anyio

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
OPEN_SECONDS = 8 * 3600  # arrivals 9:00 to 17:00, then the desks finish the line
ARRIVALS_PER_HOUR = 30.5  # capacity: 3 desks / 5.67 min mean = 31.7 an hour
DESKS = (1, 2, 3)
SERVICE_MEDIAN, SERVICE_SIGMA = 300.0, 0.5  # lognormal: mean 5.67 min
NO_SHOW_RATE, NO_SHOW_SECONDS = 0.05, 60.0
LONG_WAIT = 600.0

CALL_NEXT = """mutation DeskNext($lines: [ID!]!, $desk: Int) {
  callNextTicket(input: {lineIds: $lines, desk: $desk, keepPrevious: true}) {
    ticket { id } errors { code } } }"""
WAITING = """query Waiting { tickets(filter: {queueStatuses: [NEW]}, first: 100,
  orderBy: {field: CREATED_AT, direction: ASC}) { pageInfo { hasNextPage }
  edges { node { id ... on QueueTicket { position estimatedCallAt
    estimatedCallRange { earliest latest } } } } } }"""
STATS = """query Day($since: DateTime) { lines { stats(since: $since) {
  waiting called served noShows medianWaitSeconds p90WaitSeconds medianServiceSeconds
  noShowRate activeDesks } } }"""


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


class Day:
    def __init__(self, gql: Any, key: str, line_id: str, clock: floor_clock.Clock) -> None:
        self.gql, self.key, self.line_id, self.clock = gql, key, line_id, clock
        self.rng = random.Random(20261206)
        self.heap: list[tuple[float, int, str, int]] = []
        self.order = 0
        self.desks: dict[int, str | None] = dict.fromkeys(DESKS)
        self.joined: dict[str, float] = {}
        self.estimated: dict[str, float] = {}
        self.called: dict[str, float] = {}
        self.no_show: set[str] = set()
        self.finished: dict[str, float] = {}
        self.steps = 0

    def push(self, at: float, kind: str, desk: int = 0) -> None:
        self.order += 1
        heapq.heappush(self.heap, (at, self.order, kind, desk))

    async def ask(self, document: str, **variables: Any) -> dict[str, Any]:
        answer = await self.gql(document, variables, key=self.key)
        assert "errors" not in answer, answer
        return answer["data"]  # type: ignore[no-any-return]

    async def call(self, desk: int, now: float) -> None:
        found = await self.ask(CALL_NEXT, lines=[self.line_id], desk=desk)
        called = found["callNextTicket"]["ticket"]
        if called is None:
            return
        self.desks[desk] = called["id"]
        self.called[called["id"]] = now
        if self.rng.random() < NO_SHOW_RATE:
            self.no_show.add(called["id"])
            took = NO_SHOW_SECONDS
        else:
            took = self.rng.lognormvariate(math.log(SERVICE_MEDIAN), SERVICE_SIGMA)
        self.push(now + took, "done", desk)

    async def check_waiting(self, now: float, newcomer: str | None) -> None:
        """Estimates non-decreasing by position; the newcomer's estimate remembered."""
        found = (await self.ask(WAITING))["tickets"]
        assert not found["pageInfo"]["hasNextPage"]
        nodes = sorted((e["node"] for e in found["edges"]), key=lambda n: n["position"])
        assert [n["position"] for n in nodes] == list(range(1, len(nodes) + 1))
        marks = [
            (n["estimatedCallAt"], n["estimatedCallRange"] or {})
            for n in nodes
            if n["estimatedCallAt"]
        ]
        for (at, span), (next_at, next_span) in itertools.pairwise(marks):
            assert datetime.fromisoformat(next_at) >= datetime.fromisoformat(at)
            for end in ("earliest", "latest"):
                assert datetime.fromisoformat(next_span[end]) >= datetime.fromisoformat(span[end])
        for node in nodes:
            if node["id"] == newcomer and node["estimatedCallAt"]:
                at = datetime.fromisoformat(node["estimatedCallAt"])
                self.estimated[newcomer] = (at - START).total_seconds() - now
        self.steps += 1

    async def run(self) -> None:
        at = 0.0
        while (at := at + self.rng.expovariate(ARRIVALS_PER_HOUR / 3600)) < OPEN_SECONDS:
            self.push(at, "arrive")
        while self.heap:
            now, _order, kind, desk = heapq.heappop(self.heap)
            self.clock.set(START + timedelta(seconds=now))
            newcomer = None
            if kind == "arrive":
                newcomer = (await ticket(self.gql, self.key, self.line_id))["id"]
                self.joined[newcomer] = now
                idle = [d for d, busy in self.desks.items() if busy is None]
                if idle:
                    await self.call(idle[0], now)
            else:
                done = self.desks[desk]
                assert done is not None
                self.finished[done] = now
                await self.ask(NO_SHOW if done in self.no_show else SERVE, id=done)
                self.desks[desk] = None
                await self.call(desk, now)
            await self.check_waiting(now, newcomer)


async def test_a_simulated_day_estimates_and_statistics(gql, key, monkeypatch):
    clock = floor_clock.install(monkeypatch, START)
    day = Day(gql, key, await line(gql, key, "Simulated"), clock)
    await day.run()

    waits = {tid: day.called[tid] - day.joined[tid] for tid in day.called}
    assert len(waits) == len(day.joined) > 150  # everyone was called by the end
    judged = [tid for tid in day.estimated if waits[tid] >= LONG_WAIT]
    errors = [abs(day.estimated[tid] - waits[tid]) / waits[tid] for tid in judged]
    print(
        f"\nsimulated day: {len(day.joined)} visitors, {len(judged)} waited >= 10 min with an "
        f"estimate; median relative error of estimatedCallAt {median(errors):.1%}, "
        f"p90 {nearest_rank(errors, 0.9):.1%}; {day.steps} monotonicity checks"
    )
    assert len(judged) >= 30
    assert median(errors) <= 0.25

    served = [t for t in day.called if t not in day.no_show]
    service_times = [day.finished[t] - day.called[t] for t in served]
    stats = (await day.ask(STATS, since=START.isoformat()))["lines"][0]["stats"]
    assert stats == {
        "waiting": 0,
        "called": len(day.called),
        "served": len(served),
        "noShows": len(day.no_show),
        "medianWaitSeconds": pytest.approx(nearest_rank(list(waits.values()), 0.5), abs=0.01),
        "p90WaitSeconds": pytest.approx(nearest_rank(list(waits.values()), 0.9), abs=0.01),
        "medianServiceSeconds": pytest.approx(nearest_rank(service_times, 0.5), abs=0.01),
        "noShowRate": pytest.approx(len(day.no_show) / len(day.called)),
        "activeDesks": 3,
    }
