"""A burst for the fan-out benchmark: many events committed at once, through the services.

One unit of work creates `events` queue tickets (one CREATED event each, a status change), so
they commit together and one wake-up announces them all, as an import's batch does. Made
in-process: no public mutation writes a thousand events in one transaction.
"""

from __future__ import annotations

import time

from app.db import Line
from app.db.engine import Database
from app.live.broker import create_broker
from app.live.service_env import ServiceEnv
from app.tickets.queue import apply_create_queue_ticket
from app.tickets.unit_of_work import unit_of_work


async def write_burst(
    database_url: str, broker_url: str, workspace_id: int, actor_id: int, line_id: int, events: int
) -> float:
    """The epoch right after COMMIT and the wake-up's publish."""
    db = Database(database_url)
    broker = create_broker(broker_url)
    await broker.connect()
    try:
        async with unit_of_work(ServiceEnv(db, broker), workspace_id, actor_id) as uow:
            line = await uow.session.get(Line, line_id)
            assert line is not None
            for i in range(events):
                await apply_create_queue_ticket(uow, line=line, first_name=f"Burst {i}")
        return time.time()
    finally:
        await broker.disconnect()
        await db.dispose()
