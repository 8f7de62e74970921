"""Shared helpers of the ingest tests: fixtures on disk, and reading back what was written."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.db import (
    Contact,
    ExtraField,
    Interaction,
    Label,
    Line,
    Message,
    Team,
    Ticket,
    TicketEvent,
    TicketLabel,
    User,
)

FIXTURES = Path(__file__).parent.parent / "connectors" / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


async def events(db, ws: int) -> list[tuple[str, str | None, str | None]]:
    async with db.read_session() as s:
        stmt = select(TicketEvent).where(TicketEvent.workspace_id == ws).order_by(TicketEvent.seq)
        return [(e.type, e.from_status, e.to_status) for e in (await s.execute(stmt)).scalars()]


async def ticket(db, ticket_id: int) -> Ticket:
    async with db.read_session() as s:
        return await s.get(Ticket, ticket_id)


async def count(db, model, ws: int) -> int:
    async with db.read_session() as s:
        stmt = select(func.count()).select_from(model).where(model.workspace_id == ws)
        return (await s.execute(stmt)).scalar_one()


async def children(db, ticket_id: int) -> dict[str, list[Any]]:
    async with db.read_session() as s:

        def q(model):
            return select(model).where(model.ticket_id == ticket_id).order_by(model.id)

        labels = await s.execute(
            select(Label.name)
            .join(TicketLabel, TicketLabel.label_id == Label.id)
            .where(TicketLabel.ticket_id == ticket_id)
            .order_by(Label.name)
        )
        return {
            "messages": list((await s.execute(q(Message))).scalars()),
            "interactions": list((await s.execute(q(Interaction))).scalars()),
            "extra": list((await s.execute(q(ExtraField))).scalars()),
            "labels": list(labels.scalars()),
        }


async def by_external(db, model, ws: int, external_id: str):
    async with db.read_session() as s:
        stmt = select(model).where(model.workspace_id == ws, model.external_id == external_id)
        return (await s.execute(stmt)).scalar_one_or_none()


__all__ = ["Contact", "Line", "Team", "User"]
