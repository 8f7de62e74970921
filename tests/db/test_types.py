"""UTCDateTime: values come back aware, in UTC, on both databases and on every read path."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select

from app.db import Ticket
from app.loaders import Loaders
from tests.factories import Factory, at

pytestmark = pytest.mark.anyio


async def test_datetimes_read_back_in_utc_by_the_orm_and_by_loaders(db, workspace):
    # given: a ticket created at a known instant (PostgreSQL skips the result step for asyncpg,
    # which decodes timestamptz as UTC already; SQLite stores naive UTC and needs it)
    f = Factory(db, workspace.workspace.id)
    ticket = await f.queue_ticket(await f.line(), created_at=at(1))
    async with db.read_session() as session:
        orm_value = (
            await session.execute(select(Ticket.created_at).where(Ticket.id == ticket.id))
        ).scalar_one()
    loaded = await Loaders.for_workspace(db, workspace.workspace.id).ticket.load(ticket.id)
    for value in (orm_value, loaded.created_at):
        assert value == at(1)
        assert value.tzinfo is UTC
