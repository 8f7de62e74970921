"""Rows by primary key, one loader per table: `<Target>ByIdLoader`."""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from sqlalchemy import Row, Table, bindparam, select
from sqlalchemy.sql import ColumnElement

from app.db import (
    Contact,
    Label,
    Line,
    Location,
    Message,
    SlaCalendar,
    SlaPolicy,
    Team,
    Ticket,
    TicketEvent,
    User,
    table_of,
)
from app.loaders.base import WorkspaceLoader
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement


class RowByIdLoader(WorkspaceLoader[int, "Row[Any] | None"]):
    table: ClassVar[Table]

    @classmethod
    def columns(cls) -> list[ColumnElement[Any]]:
        return list(cls.table.c)

    @classmethod
    @cache
    def statement(cls) -> LoaderStatement:
        """Built once per table; the workspace and the keys are bound parameters."""
        t = cls.table
        return LoaderStatement(
            select(*cls.columns()).where(
                t.c.workspace_id == bindparam("workspace_id"), KeysIn(t.c.id, "keys")
            )
        )

    async def batch_load_fn(self, keys: list[int]) -> list[Row[Any] | None]:
        params = {"workspace_id": self.workspace_id, "keys": keys}
        by_id = {row.id: row for row in await self.fetch(self.statement(), params)}
        return [by_id.get(key) for key in keys]


_ticket = table_of(Ticket)
# The vendor's documents stay out of ticket rows: no list shows them and a payload can weigh
# kilobytes, read and decoded for every row of every page. TicketDocumentsLoader reads them
# for the fields that do (TicketOrigin.data and .payload).
TICKET_DOCUMENTS = ("vendor_data", "raw_payload")
# Ingest bookkeeping (digests of applied payloads): no field reads it.
_INGEST_ONLY = ("vendor_digests",)
TICKET_ROW_COLUMNS = [c for c in _ticket.c if c.name not in (*TICKET_DOCUMENTS, *_INGEST_ONLY)]


class TicketByIdLoader(RowByIdLoader):
    table = _ticket

    @classmethod
    def columns(cls) -> list[ColumnElement[Any]]:
        return list(TICKET_ROW_COLUMNS)


class TicketDocumentsLoader(RowByIdLoader):
    """A ticket's vendor documents (vendor_data, raw_payload) by ticket id."""

    table = _ticket

    @classmethod
    def columns(cls) -> list[ColumnElement[Any]]:
        return [_ticket.c.id, *(_ticket.c[name] for name in TICKET_DOCUMENTS)]


class UserByIdLoader(RowByIdLoader):
    table = table_of(User)


class TeamByIdLoader(RowByIdLoader):
    table = table_of(Team)


class LineByIdLoader(RowByIdLoader):
    table = table_of(Line)


class LocationByIdLoader(RowByIdLoader):
    table = table_of(Location)


class ContactByIdLoader(RowByIdLoader):
    table = table_of(Contact)


class LabelByIdLoader(RowByIdLoader):
    table = table_of(Label)


class MessageByIdLoader(RowByIdLoader):
    table = table_of(Message)


class TicketEventByIdLoader(RowByIdLoader):
    table = table_of(TicketEvent)


class SlaPolicyByIdLoader(RowByIdLoader):
    table = table_of(SlaPolicy)


class SlaCalendarByIdLoader(RowByIdLoader):
    table = table_of(SlaCalendar)
