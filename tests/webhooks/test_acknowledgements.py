"""A round's acknowledgements are written by one task beside the sends: in order, batched,
the cursor written never past an attempt not written (a crash sends again, never skips), and a
lease lost or a write failed stops the round."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from app.db.types import utcnow
from app.domain.event_filter import EventFilter
from app.webhooks import worker as worker_module
from app.webhooks.leases import Claim
from app.webhooks.worker import FLUSH_EVENTS, WorkerRules, _Acknowledged

pytestmark = pytest.mark.anyio


class FakeWrites:
    """record_success as the round sees it: what each write carried; the first may be held."""

    def __init__(self, *, held: bool = True, fail: bool = False) -> None:
        self.writes: list[tuple[int, list[int]]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.held, self.fail = held, fail

    async def __call__(self, db, claim, owner, attempts, cursor, *, lease_seconds) -> bool:
        self.writes.append((cursor, [a["event_seq"] for a in attempts]))
        await self.gate.wait()
        if self.fail:
            raise ConnectionError("the database went away")
        return self.held


def _round(monkeypatch, writes: FakeWrites) -> _Acknowledged:
    monkeypatch.setattr(worker_module, "record_success", writes)
    claim = Claim(
        endpoint_id=1, workspace_id=1, workspace_slug="w", url="http://x/", keys=(b"k",),
        event_filter=EventFilter(), cursor=0, failures=0, generation=1,
    )  # fmt: skip
    owner = SimpleNamespace(db=None, owner="me", rules=WorkerRules.defaults())
    return _Acknowledged(owner, claim)  # type: ignore[arg-type]


def _ack(acknowledged: _Acknowledged, seq: int) -> None:
    event = SimpleNamespace(seq=seq, at=utcnow())
    acknowledged.add({"event_seq": seq, "attempt": 1}, event)  # type: ignore[arg-type, typeddict-item]


async def test_sends_go_on_while_a_write_is_in_flight_and_writes_stay_in_order(monkeypatch):
    writes = FakeWrites()
    acknowledged = _round(monkeypatch, writes)
    writes.gate.clear()  # the first commit waits (on SQLite: for the write lock)

    for seq in range(1, FLUSH_EVENTS + 1):
        _ack(acknowledged, seq)
    await asyncio.sleep(0)  # the writer starts
    for seq in range(FLUSH_EVENTS + 1, FLUSH_EVENTS + 6):
        _ack(acknowledged, seq)  # acknowledged while the first write is still waiting

    assert writes.writes == [(FLUSH_EVENTS, list(range(1, FLUSH_EVENTS + 1)))]
    writes.gate.set()
    assert await acknowledged.flush()
    assert writes.writes == [
        (FLUSH_EVENTS, list(range(1, FLUSH_EVENTS + 1))),
        (FLUSH_EVENTS + 5, list(range(FLUSH_EVENTS + 1, FLUSH_EVENTS + 6))),
    ]
    assert acknowledged.written_cursor == FLUSH_EVENTS + 5


async def test_a_cursor_moved_past_filtered_events_is_written_with_nothing_to_log(monkeypatch):
    writes = FakeWrites()
    acknowledged = _round(monkeypatch, writes)
    _ack(acknowledged, 3)
    acknowledged.advance(9)  # events 4-9 were not for this endpoint
    assert await acknowledged.flush()
    assert writes.writes == [(9, [3])]
    assert await acknowledged.flush()  # nothing pending: no write
    assert len(writes.writes) == 1


async def test_a_lost_lease_stops_the_round_and_moves_nothing(monkeypatch):
    writes = FakeWrites(held=False)
    acknowledged = _round(monkeypatch, writes)
    for seq in range(1, FLUSH_EVENTS + 1):
        _ack(acknowledged, seq)
    assert not await acknowledged.flush()
    assert acknowledged.lost
    assert acknowledged.written_cursor == 0
    _ack(acknowledged, FLUSH_EVENTS + 1)
    assert not await acknowledged.flush()
    assert len(writes.writes) == 1  # nothing written after the lease was lost


async def test_a_failed_write_is_raised_to_the_round(monkeypatch):
    writes = FakeWrites(fail=True)
    acknowledged = _round(monkeypatch, writes)
    _ack(acknowledged, 1)
    with pytest.raises(ConnectionError):
        await acknowledged.flush()
    assert acknowledged.lost
    assert acknowledged.written_cursor == 0
