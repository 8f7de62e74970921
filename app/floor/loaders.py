"""Per-request loaders of the floor: a line's service rate (one read for every ticket of a page
that asks for an estimate) and a line's statistics for a period."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aiodataloader import DataLoader

from app.db.engine import Database
from app.floor import clock
from app.floor.service_rate import ServiceRate, service_rates
from app.floor.stats import LineStats, line_stats

if TYPE_CHECKING:
    from app.loaders import Loaders


class ServiceRateByLineIdLoader(DataLoader[int, "ServiceRate | None"]):
    """Measured once per request at one instant, so every estimate of a request shares the
    same rate and clock: the monotonicity of app/floor/estimates.py holds across a page."""

    def __init__(self, db: Database, workspace_id: int) -> None:
        super().__init__()
        self.db, self.workspace_id, self.now = db, workspace_id, clock.now()

    async def batch_load_fn(self, keys: list[int]) -> list[ServiceRate | None]:
        rates = await service_rates(self.db, self.workspace_id, sorted(set(keys)), self.now)
        return [rates.get(key) for key in keys]


class LineStatsByLineAndSinceLoader(DataLoader[tuple[int, datetime], LineStats]):
    def __init__(self, db: Database, workspace_id: int) -> None:
        super().__init__()
        self.db, self.workspace_id = db, workspace_id

    async def batch_load_fn(self, keys: list[tuple[int, datetime]]) -> list[LineStats]:
        found: dict[tuple[int, datetime], LineStats] = {}
        for since in {since for _line, since in keys}:
            lines = sorted({line for line, s in keys if s == since})
            for line_id, stats in (
                await line_stats(self.db, self.workspace_id, lines, since)
            ).items():
                found[(line_id, since)] = stats
        return [found[key] for key in keys]


class FloorLoaders:
    def __init__(self, db: Database, workspace_id: int) -> None:
        self.service_rate = ServiceRateByLineIdLoader(db, workspace_id)
        self.line_stats = LineStatsByLineAndSinceLoader(db, workspace_id)


def floor_loaders(loaders: Loaders) -> FloorLoaders:
    """The floor's loaders of this request (or subscription event): they live and die with
    its `Loaders`."""
    return loaders.upper("floor", lambda: FloorLoaders(loaders.db, loaders.workspace_id))
