"""Where a waiting ticket sits in its line: a sort key between its neighbours.

Waiting tickets are ordered by (queue_key, id). A new ticket's key is its creation time; a
reordered or returned ticket gets a key between the two tickets it goes between, so moving one
ticket rewrites one row. Keys are datetimes with microsecond resolution: when two neighbours are
too close to fit a key between them, `respace` pushes the following keys apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

TICK = timedelta(microseconds=1)
# Gap left before the head of a line, so later "first" moves still find room.
HEAD_GAP = timedelta(seconds=1)


def key_first(head: datetime | None, now: datetime) -> datetime:
    """A key before every waiting ticket (`head` is the first one's key, None if empty)."""
    return now if head is None else head - HEAD_GAP


def key_last(tail: datetime | None, now: datetime) -> datetime:
    """A key after every waiting ticket: now, unless the tail is already later."""
    return now if tail is None or tail < now else tail + TICK


def key_between(before: datetime, after: datetime | None) -> datetime | None:
    """A key strictly between two neighbours (`after` None: the end of the line).

    None when the neighbours are less than two ticks apart: call `respace` then.
    """
    if after is None:
        return before + HEAD_GAP
    gap = after - before
    if gap < 2 * TICK:
        return None
    return before + (gap // 2 // TICK) * TICK


def respace(keys: Sequence[datetime]) -> list[datetime]:
    """The same order with every key at least one tick after the previous one."""
    out: list[datetime] = []
    for key in keys:
        out.append(key if not out or key > out[-1] else out[-1] + TICK)
    return out
