"""The Node interface and how a row finds its GraphQL type.

Loaders hand out SQLAlchemy Rows, which do not know their table: a row's column names do.
Mutations may hand out ORM instances: their class does.
"""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry

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
    Workspace,
    table_of,
)
from app.domain.enums import TicketKind
from schema import docs
from schema.ids import encode_id

_TYPE_BY_MODEL: dict[type, str] = {
    User: "User",
    Team: "Team",
    Line: "Line",
    Location: "Location",
    Contact: "Contact",
    Label: "Label",
    Message: "Message",
    TicketEvent: "TicketEvent",
    Workspace: "Workspace",
    SlaCalendar: "BusinessCalendar",
    SlaPolicy: "SlaPolicy",
}
_TYPE_BY_COLUMNS = {tuple(table_of(m).c.keys()): name for m, name in _TYPE_BY_MODEL.items()}


def ticket_type_name(obj: Any) -> str:
    return "QueueTicket" if obj.kind == TicketKind.QUEUE else "HelpdeskTicket"


def graphql_type_name(obj: Any) -> str | None:
    if isinstance(obj, Ticket) or hasattr(obj, "kind"):
        return ticket_type_name(obj)
    name = _TYPE_BY_MODEL.get(type(obj))
    if name is None:
        name = _TYPE_BY_COLUMNS.get(getattr(obj, "_fields", ()))
    return name


def accept_any(cls: type, obj: Any, info: Any) -> bool:
    return True


# Compiled completion (schema/executor/completion.py) knows the answer without the call.
vars(accept_any)["accepts_everything"] = True  # a marker on the function (read with getattr)


class RowType:
    """Mixin for types whose roots are rows: any root is accepted (fields are read by name).

    Resolvers hand out rows, or loaders' futures of rows, where their annotation names a GraphQL
    type: they `cast` to it for mypy (the executor awaits a future and reads fields by name)."""

    is_type_of: ClassVar[classmethod[Any, [Any, Any], bool]] = classmethod(accept_any)


@strawberry.interface(description="An object with a global ID: fetch it again with node(id).")
class Node:
    # A resolver, as each type's own `id` is (`id = global_id("TypeName")`).
    @strawberry.field(description=docs.ID)
    def id(self) -> strawberry.ID:
        raise NotImplementedError  # every implementing type defines its own

    @classmethod
    def resolve_type(cls, obj: Any, info: Any, abstract_type: Any) -> str | None:
        return graphql_type_name(obj)


def global_id(type_name: str) -> Any:
    """A Node type's `id` field: `type_name` and the row's primary key, encoded."""

    def global_id_of_row(self: Any) -> strawberry.ID:
        return strawberry.ID(encode_id(type_name, self.id))

    return strawberry.field(resolver=global_id_of_row, description=docs.ID)
