"""The estimate model (app/floor/estimates.py): monotone in position for any rate, and what the
API answers for a line with recent services."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from app.floor.estimates import estimate
from app.floor.service_rate import ServiceRate
from tests.floor import clock as floor_clock
from tests.floor.helpers import SERVE, call_next, line, ticket

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("mean", "sd", "desks"),
    [(300.0, 0.0, 1), (300.0, 600.0, 3), (60.0, 2000.0, 2), (1.0, 50.0, 7), (900.0, 10.0, 12)],
)
def test_a_ticket_further_back_is_never_estimated_earlier(mean, sd, desks):
    rate = ServiceRate(at=NOW, busy_mean=mean, busy_sd=sd, desks=desks, samples=10)
    found = [estimate(rate, position) for position in range(1, 400)]
    for ahead, behind in itertools.pairwise(found):
        assert behind.call_at >= ahead.call_at
        assert behind.earliest >= ahead.earliest
        assert behind.latest >= ahead.latest
    for one in found:
        assert NOW <= one.earliest <= one.call_at <= one.latest


def test_the_model_in_numbers():
    rate = ServiceRate(at=NOW, busy_mean=300.0, busy_sd=0.0, desks=3, samples=10)
    # Regular desk times (sd 0): the first in line half a gap (50 s) from now, then a gap
    # (300 s / 3 desks) apart.
    assert [estimate(rate, p).wait_seconds for p in (1, 2, 4)] == [50.0, 150.0, 350.0]
    assert estimate(rate, 2).call_at == NOW + timedelta(seconds=150)
    # Desk times as varied as they are long (cv 1): a visit under way is likely a long one, so
    # the first free-up is a whole gap away, not half of one.
    varied = ServiceRate(at=NOW, busy_mean=300.0, busy_sd=300.0, desks=3, samples=10)
    assert [estimate(varied, p).wait_seconds for p in (1, 2)] == [100.0, 200.0]


pytestmark = pytest.mark.anyio

ESTIMATES = """query Waiting { tickets(filter: {queueStatuses: [NEW]}, first: 100,
  orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { ... on QueueTicket {
    position estimatedCallAt estimatedCallRange { earliest latest } } } } } }"""


async def test_estimates_through_the_api_after_some_services(gql, key, monkeypatch):
    clock = floor_clock.install(monkeypatch, NOW)
    pharmacy = await line(gql, key)
    for _ in range(8):
        await ticket(gql, key, pharmacy)
    nothing_yet = await gql(ESTIMATES, key=key)
    assert {e["node"]["estimatedCallAt"] for e in nothing_yet["data"]["tickets"]["edges"]} == {None}
    for _ in range(3):  # one desk, four minutes a visitor
        called = await call_next(gql, key, [pharmacy], desk=1)
        clock.advance(240)
        answer = await gql(SERVE, {"id": called["id"]}, key=key)
        assert answer["data"]["markTicketServed"]["errors"] == []
    waiting = [e["node"] for e in (await gql(ESTIMATES, key=key))["data"]["tickets"]["edges"]]
    assert [w["position"] for w in waiting] == [1, 2, 3, 4, 5]
    waits = [
        (datetime.fromisoformat(w["estimatedCallAt"]) - clock.now).total_seconds() for w in waiting
    ]
    # Half a gap then a gap of 240 s each, one desk (SQLite's julianday carries microseconds)
    assert waits == pytest.approx([120.0, 360.0, 600.0, 840.0, 1080.0], abs=0.01)
    for w in waiting:  # every service took 240 s exactly: (next to) no spread
        call_at = datetime.fromisoformat(w["estimatedCallAt"])
        earliest, latest = (datetime.fromisoformat(v) for v in w["estimatedCallRange"].values())
        assert timedelta(0) <= call_at - earliest < timedelta(seconds=1)
        assert timedelta(0) <= latest - call_at < timedelta(seconds=1)
