"""The place of a waiting (NEW) queue ticket in its line, for many tickets in one statement."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db import Ticket
from app.domain.enums import QueueStatus, TicketKind
from app.loaders.base import WorkspaceLoader, table_of

_ticket = table_of(Ticket)


class QueuePositionByTicketIdLoader(WorkspaceLoader[int, "int | None"]):
    """1-based place among the NEW tickets of the same line by (queue_key, id); None otherwise."""

    async def batch_load_fn(self, keys: list[int]) -> list[int | None]:
        t = _ticket
        lines = select(t.c.line_id).where(t.c.workspace_id == self.workspace_id, t.c.id.in_(keys))
        place = func.row_number().over(partition_by=t.c.line_id, order_by=(t.c.queue_key, t.c.id))
        waiting = (
            select(t.c.id, place.label("place"))
            .where(
                t.c.workspace_id == self.workspace_id,
                t.c.kind == TicketKind.QUEUE.value,
                t.c.status == QueueStatus.NEW.value,
                t.c.line_id.in_(lines),
            )
            .subquery()
        )
        stmt = select(waiting.c.id, waiting.c.place).where(waiting.c.id.in_(keys))
        places = {row.id: int(row.place) for row in await self.fetch(stmt)}
        return [places.get(key) for key in keys]
