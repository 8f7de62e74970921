"""Line.stats on a morning replayed through the API with a set clock, against the numbers
worked out by hand below; and its argument's bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.floor import clock as floor_clock
from tests.floor.helpers import NO_SHOW, SERVE, line, ticket

pytestmark = pytest.mark.anyio

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CALL = """mutation Call($id: ID!, $desk: Int) {
  callTicket(input: {id: $id, desk: $desk, keepPrevious: true}) { errors { code } } }"""
STATS = """query Stats($since: DateTime) { lines { name stats(since: $since) {
  waiting called served noShows medianWaitSeconds p90WaitSeconds medianServiceSeconds
  noShowRate activeDesks } } }"""


async def test_stats_match_the_morning_worked_out_by_hand(gql, key, monkeypatch):
    clock = floor_clock.install(monkeypatch, NINE)
    pharmacy = await line(gql, key, "Pharmacy")
    await line(gql, key, "Empty")
    tickets = []
    for minute in (0, 1, 2, 3):  # A, B, C, D arrive at 9:00, 9:01, 9:02, 9:03
        clock.set(NINE + timedelta(minutes=minute))
        tickets.append((await ticket(gql, key, pharmacy))["id"])
    a, b, c, _d = tickets

    async def at(minute: int, document: str, **variables: object) -> None:
        clock.set(NINE + timedelta(minutes=minute))
        answer = await gql(document, variables, key=key)
        assert all(not v["errors"] for v in answer["data"].values()), answer

    await at(5, CALL, id=a, desk=1)  # A waited 5 min
    await at(6, CALL, id=b, desk=2)  # B waited 5 min
    await at(10, SERVE, id=a)  # A served in 5 min
    await at(12, CALL, id=c, desk=1)  # C waited 10 min
    await at(14, NO_SHOW, id=b)
    await at(20, SERVE, id=c)  # C served in 8 min
    clock.set(NINE + timedelta(minutes=30))

    whole = await gql(STATS, {"since": NINE.isoformat()}, key=key)
    assert whole == {
        "data": {
            "lines": [
                {"name": "Empty", "stats": EMPTY},
                {
                    "name": "Pharmacy",
                    "stats": {
                        "waiting": 1,
                        "called": 3,
                        "served": 2,
                        "noShows": 1,
                        "medianWaitSeconds": 300.0,  # waits 300, 300, 600: nearest rank 2
                        "p90WaitSeconds": 600.0,  # nearest rank 3
                        "medianServiceSeconds": 300.0,  # services 300, 480: nearest rank 1
                        "noShowRate": pytest.approx(1 / 3),
                        "activeDesks": 2,
                    },
                },
            ]
        }
    }
    since_eleven = await gql(STATS, {"since": (NINE + timedelta(minutes=11)).isoformat()}, key=key)
    assert since_eleven["data"]["lines"][1]["stats"] == {
        "waiting": 1,
        "called": 1,
        "served": 1,
        "noShows": 1,
        "medianWaitSeconds": 600.0,
        "p90WaitSeconds": 600.0,
        "medianServiceSeconds": 480.0,
        "noShowRate": 0.5,
        "activeDesks": 1,
    }
    # No argument: since midnight in the workspace's time zone (UTC here): the same morning.
    today = await gql(STATS, key=key)
    assert today["data"]["lines"][1]["stats"] == whole["data"]["lines"][1]["stats"]


EMPTY = {
    "waiting": 0,
    "called": 0,
    "served": 0,
    "noShows": 0,
    "medianWaitSeconds": None,
    "p90WaitSeconds": None,
    "medianServiceSeconds": None,
    "noShowRate": None,
    "activeDesks": 0,
}


async def test_a_period_more_than_31_days_back_is_refused(gql, key):
    await line(gql, key)
    old = datetime.now(UTC) - timedelta(days=40)
    answer = await gql(STATS, {"since": old.isoformat()}, key=key)
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "31 days" in answer["errors"][0]["message"]
