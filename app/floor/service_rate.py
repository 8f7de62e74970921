"""How fast a line moves now: the desk time per call over its recent services, and its desks.

A desk spends `busy_mean` seconds per call (served, no-show or sent back, whichever ended the
call) over the last RATE_WINDOW, and `desks` desks called in the last DESK_WINDOW (at least
one). Fewer than MIN_SAMPLES finished calls in the window: no rate, and no estimate (an honest
"don't know" beats a made-up number).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db.engine import Database
from app.floor.measures import OTHER_DESK_TIME, SERVICE, measures
from app.floor.stats import active_desks

RATE_WINDOW = timedelta(hours=2)
DESK_WINDOW = timedelta(minutes=30)
MIN_SAMPLES = 3


@dataclass(frozen=True)
class ServiceRate:
    at: datetime  # when it was measured: estimates count from here
    busy_mean: float  # seconds a desk spends per call
    busy_sd: float
    desks: int
    samples: int


async def service_rates(
    db: Database, workspace_id: int, line_ids: Sequence[int], now: datetime
) -> dict[int, ServiceRate | None]:
    found = await measures(db, workspace_id, line_ids, now - RATE_WINDOW)
    desks = await active_desks(db, workspace_id, line_ids, now - DESK_WINDOW)
    rates: dict[int, ServiceRate | None] = {}
    for line_id in line_ids:
        kinds = (found.get((line_id, SERVICE)), found.get((line_id, OTHER_DESK_TIME)))
        parts = [d for d in kinds if d is not None]
        samples = sum(d.count for d in parts)
        if samples < MIN_SAMPLES:
            rates[line_id] = None
            continue
        mean = sum(d.mean * d.count for d in parts) / samples
        mean_square = sum(d.mean_square * d.count for d in parts) / samples
        rates[line_id] = ServiceRate(
            at=now,
            busy_mean=mean,
            busy_sd=max(0.0, mean_square - mean * mean) ** 0.5,
            desks=max(1, desks.get(line_id, 0)),
            samples=samples,
        )
    return rates
