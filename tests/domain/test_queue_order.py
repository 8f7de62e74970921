"""Sort keys of a waiting line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.queue_order import HEAD_GAP, TICK, key_between, key_first, key_last, respace

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def test_first_goes_before_the_head_or_now_when_empty():
    assert key_first(T0, T0 + timedelta(hours=1)) == T0 - HEAD_GAP
    assert key_first(None, T0) == T0


def test_last_is_now_unless_the_tail_is_later():
    assert key_last(T0, T0 + timedelta(seconds=5)) == T0 + timedelta(seconds=5)
    assert key_last(T0 + timedelta(hours=1), T0) == T0 + timedelta(hours=1) + TICK
    assert key_last(None, T0) == T0


def test_between_is_strictly_between_neighbours():
    after = T0 + timedelta(seconds=10)
    key = key_between(T0, after)
    assert key is not None and T0 < key < after
    assert key_between(T0, None) == T0 + HEAD_GAP


def test_between_has_no_room_when_neighbours_touch():
    assert key_between(T0, T0 + TICK) is None
    assert key_between(T0, T0) is None
    assert key_between(T0, T0 + 2 * TICK) == T0 + TICK


def test_respace_keeps_order_and_makes_keys_strictly_increasing():
    keys = [T0, T0, T0 + TICK, T0 + timedelta(seconds=1)]
    assert respace(keys) == [T0, T0 + TICK, T0 + 2 * TICK, T0 + timedelta(seconds=1)]
