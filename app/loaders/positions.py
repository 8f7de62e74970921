"""The place of a waiting (NEW) queue ticket in its line, for many tickets in one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.sql import Select

from app.db import Ticket, table_of
from app.domain.enums import QueueStatus, TicketKind
from app.loaders.base import WorkspaceLoader
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement


def _statement() -> Select[Any]:
    """Built once; the workspace and the keys (bound twice) are parameters."""
    t = table_of(Ticket)
    workspace_id: BindParameter[int] = bindparam("workspace_id")
    lines = select(t.c.line_id).where(t.c.workspace_id == workspace_id, KeysIn(t.c.id, "keys"))
    place = func.row_number().over(partition_by=t.c.line_id, order_by=(t.c.queue_key, t.c.id))
    waiting = (
        select(t.c.id, place.label("place"))
        .where(
            t.c.workspace_id == workspace_id,
            t.c.kind == TicketKind.QUEUE.value,
            t.c.status == QueueStatus.NEW.value,
            t.c.line_id.in_(lines),
        )
        .subquery()
    )
    return select(waiting.c.id, waiting.c.place).where(KeysIn(waiting.c.id, "keys"))


class QueuePositionByTicketIdLoader(WorkspaceLoader[int, "int | None"]):
    """1-based place among the NEW tickets of the same line by (queue_key, id); None otherwise."""

    statement = LoaderStatement(_statement())

    async def batch_load_fn(self, keys: list[int]) -> list[int | None]:
        params = {"workspace_id": self.workspace_id, "keys": keys}
        places = {row.id: int(row.place) for row in await self.fetch(self.statement, params)}
        return [places.get(key) for key in keys]
