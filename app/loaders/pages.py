"""Pages of a ticket's messages and history, for many tickets in one statement.

Keys are (ticket_id, first, after). A batch groups its keys by (first, after) and reads each
group with ROW_NUMBER() OVER (PARTITION BY ticket_id): one statement per distinct page shape,
however many tickets are on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ClassVar, NamedTuple

from sqlalchemy import BindParameter, Row, Table, and_, bindparam, func, or_, select
from sqlalchemy.sql import ColumnElement

from app.db import Message, TicketEvent, table_of
from app.domain.cursors import decode_event_cursor
from app.loaders.base import WorkspaceLoader, group_by
from app.loaders.cursors import decode_keyset
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement

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
    table: ClassVar[Table]
    # Columns a page row carries: all of the table's unless a subclass leaves some out.
    skip: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def order(cls) -> list[ColumnElement[Any]]:
        raise NotImplementedError

    @classmethod
    def filters(cls) -> list[ColumnElement[bool]]:
        """Conditions beyond workspace and tickets (the same for every read)."""
        return []

    @classmethod
    def after_clause(cls) -> ColumnElement[bool]:
        """Rows after the cursor, in terms of the parameters after_params() binds."""
        raise NotImplementedError

    def after_params(self, after: str) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    @cache
    def statement(cls, with_after: bool) -> LoaderStatement:
        """Built once per loader class and cursor use; every value is a bound parameter
        (building this window query took ~2 ms, as long as running it)."""
        t = cls.table
        place = func.row_number().over(partition_by=t.c.ticket_id, order_by=cls.order())
        conditions = [
            t.c.workspace_id == bindparam("workspace_id"),
            KeysIn(t.c.ticket_id, "ticket_ids"),
            *cls.filters(),
        ]
        if with_after:
            conditions.append(cls.after_clause())
        inner = select(t, place.label("place_")).where(*conditions).subquery()
        # One extra row per ticket tells whether there is a next page.
        return LoaderStatement(
            select(*(inner.c[column.key] for column in t.c if column.key not in cls.skip))
            .where(inner.c.place_ <= bindparam("limit"))
            .order_by(inner.c.ticket_id, inner.c.place_)
        )

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
        params: dict[str, Any] = {
            "workspace_id": self.workspace_id,
            "ticket_ids": sorted(ticket_ids),
            "limit": first + 1,
        }
        if after is not None:
            params.update(self.after_params(after))
        return list(await self.fetch(self.statement(after is not None), params))


class MessagesByTicketIdLoader(_PageLoader):
    """Messages oldest first; deleted ones are left out."""

    table = _message
    # Vendor JSON no Message field reads: decoding it was a third of this loader's time.
    skip = frozenset({"sender", "receiver", "vendor_data"})

    @classmethod
    def order(cls) -> list[ColumnElement[Any]]:
        return [_message.c.created_at, _message.c.id]

    @classmethod
    def filters(cls) -> list[ColumnElement[bool]]:
        return [_message.c.deleted_at.is_(None)]

    @classmethod
    def after_clause(cls) -> ColumnElement[bool]:
        t = _message
        at: BindParameter[datetime] = bindparam("after_at")
        row_id: BindParameter[int] = bindparam("after_id")
        return or_(t.c.created_at > at, and_(t.c.created_at == at, t.c.id > row_id))

    def after_params(self, after: str) -> dict[str, Any]:
        at, row_id = decode_keyset(MESSAGE_CURSOR, after, "after")
        return {"after_at": at, "after_id": row_id}


class TicketEventsByTicketIdLoader(_PageLoader):
    """A ticket's history in log order; cursors are the event log's own."""

    table = _event

    @classmethod
    def order(cls) -> list[ColumnElement[Any]]:
        return [_event.c.seq]

    @classmethod
    def after_clause(cls) -> ColumnElement[bool]:
        return _event.c.seq > bindparam("after_seq")

    def after_params(self, after: str) -> dict[str, Any]:
        return {"after_seq": decode_event_cursor(after)}
