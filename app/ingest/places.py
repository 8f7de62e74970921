"""Vendor lines and locations on their own (Qminder line_changed, location_created/changed).

The vendor names them: its name wins over ours, as a ticket's line reference never could
(a ticket only knows the line's id). No ticket event: nothing about a ticket changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Line, Location
from app.domain.records import LineRecord, LocationRecord
from app.ingest.upsert import CREATED, UNCHANGED, UPDATED
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import unit_of_work


@dataclass(frozen=True)
class PlaceResult:
    result: str  # created | updated | unchanged
    type_name: str  # Line | Location
    row_id: int


async def _find(s: AsyncSession, model: Any, ws: int, system: str, external_id: str) -> Any:
    stmt = select(model).where(
        model.workspace_id == ws,
        model.external_system == system,
        model.external_id == external_id,
    )
    return (await s.execute(stmt)).scalar_one_or_none()


async def _upsert(
    s: AsyncSession, model: Any, ws: int, system: str, external_id: str, values: dict[str, Any]
) -> tuple[str, Any]:
    """Find the row by vendor id and set `values` (None: keep), or create it."""
    row = await _find(s, model, ws, system, external_id)
    wanted = {k: v for k, v in values.items() if v is not None}
    if row is None:
        default_name = f"{model.__name__} {external_id}"
        row = model(
            workspace_id=ws,
            external_system=system,
            external_id=external_id,
            **({"name": default_name} | wanted),
        )
        s.add(row)
        await s.flush()
        return CREATED, row
    changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
    for name, value in changed.items():
        setattr(row, name, value)
    return (UPDATED if changed else UNCHANGED), row


async def ingest_place(
    env: ServiceEnv, workspace_id: int, system: str, record: LineRecord | LocationRecord
) -> PlaceResult:
    """Create or rename the line or location `record` describes (system: e.g. QMINDER)."""
    async with unit_of_work(env, workspace_id, None) as uow:  # the lock: one create per id
        s = uow.session
        if isinstance(record, LocationRecord):
            result, row = await _upsert(
                s, Location, workspace_id, system, record.external_id, {"name": record.name}
            )
            return PlaceResult(result, "Location", row.id)
        location_id = None
        if record.location is not None:
            _, place = await _upsert(
                s, Location, workspace_id, system, record.location.external_id, {}
            )
            location_id = place.id
        values = {"name": record.name, "location_id": location_id}
        result, row = await _upsert(s, Line, workspace_id, system, record.external_id, values)
        return PlaceResult(result, "Line", row.id)
