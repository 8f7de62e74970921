"""Pages of a ticket's messages and history, for many tickets in one statement.

Keys are (ticket_id, first, after). A batch groups its keys by (first, after) and reads each
group with ROW_NUMBER() OVER (PARTITION BY ticket_id): one statement per distinct page shape,
however many tickets are on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Row, Table, and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from app.db import Message, TicketEvent
from app.domain.cursors import decode_event_cursor
from app.loaders.base import WorkspaceLoader, group_by, table_of
from app.loaders.cursors import decode_keyset

MESSAGE_CURSOR = "m1"
_message = table_of(Message)
_event = table_of(TicketEvent)


class PageKey(NamedTuple):
    ticket_id: int
    first: int
    after: str | None = None


@dataclass(frozen=True)
class RowPage:
    rows: list[Row[Any]]
    has_next_page: bool


class _PageLoader(WorkspaceLoader[PageKey, RowPage]):
    table: Table
    # Columns a page row carries: all of the table's unless a subclass leaves some out.
    skip: frozenset[str] = frozenset()

    def order(self) -> list[ColumnElement[Any]]:
        raise NotImplementedError

    def after_clause(self, after: str) -> ColumnElement[bool]:
        raise NotImplementedError

    def base_conditions(self) -> list[ColumnElement[bool]]:
        return [self.table.c.workspace_id == self.workspace_id]

    async def batch_load_fn(self, keys: list[PageKey]) -> list[RowPage]:
        shapes: dict[tuple[int, str | None], set[int]] = {}
        for key in keys:
            shapes.setdefault((key.first, key.after), set()).add(key.ticket_id)
        pages: dict[PageKey, RowPage] = {}
        for (first, after), ticket_ids in shapes.items():
            grouped = group_by(await self._read(first, after, ticket_ids), "ticket_id")
            for ticket_id in ticket_ids:
                rows = grouped.get(ticket_id, [])
                pages[PageKey(ticket_id, first, after)] = RowPage(rows[:first], len(rows) > first)
        return [pages[key] for key in keys]

    async def _read(self, first: int, after: str | None, ticket_ids: set[int]) -> list[Row[Any]]:
        t = self.table
        place = func.row_number().over(partition_by=t.c.ticket_id, order_by=self.order())
        conditions = [*self.base_conditions(), t.c.ticket_id.in_(ticket_ids)]
        if after is not None:
            conditions.append(self.after_clause(after))
        inner = select(t, place.label("place_")).where(*conditions).subquery()
        # One extra row per ticket tells whether there is a next page.
        stmt = (
            select(*(inner.c[column.key] for column in t.c if column.key not in self.skip))
            .where(inner.c.place_ <= first + 1)
            .order_by(inner.c.ticket_id, inner.c.place_)
        )
        return list(await self.fetch(stmt))


class MessagesByTicketIdLoader(_PageLoader):
    """Messages oldest first; deleted ones are left out."""

    table = _message
    # Vendor JSON no Message field reads: decoding it was a third of this loader's time.
    skip = frozenset({"sender", "receiver", "vendor_data"})

    def order(self) -> list[ColumnElement[Any]]:
        return [_message.c.created_at, _message.c.id]

    def base_conditions(self) -> list[ColumnElement[bool]]:
        return [*super().base_conditions(), _message.c.deleted_at.is_(None)]

    def after_clause(self, after: str) -> ColumnElement[bool]:
        at, row_id = decode_keyset(MESSAGE_CURSOR, after, "after")
        t = _message
        return or_(t.c.created_at > at, and_(t.c.created_at == at, t.c.id > row_id))


class TicketEventsByTicketIdLoader(_PageLoader):
    """A ticket's history in log order; cursors are the event log's own."""

    table = _event

    def order(self) -> list[ColumnElement[Any]]:
        return [_event.c.seq]

    def after_clause(self, after: str) -> ColumnElement[bool]:
        return _event.c.seq > decode_event_cursor(after)
