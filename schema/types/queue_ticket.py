"""A walk-in visitor waiting in a line (Qminder)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.context import Info
from app.domain.enums import QueueStatus as DomainQueueStatus
from app.domain.enums import TicketKind as DomainTicketKind
from schema import relations
from schema.enums import QueueStatus, TicketSource
from schema.relations import relation_field
from schema.types.people import User
from schema.types.places import Line
from schema.types.ticket import Ticket


@strawberry.type(description="A walk-in visitor's ticket in a queue line.")
class QueueTicket(Ticket):
    status: QueueStatus
    public_id: str | None = strawberry.field(description='Shown to the visitor, e.g. "A-42".')
    number: int | None
    source: TicketSource | None
    raw_source: str | None = strawberry.field(
        description="The source as the vendor sent it (source is OTHER when we have no member "
        "for it, e.g. Qminder PRINTER)."
    )
    first_name: str | None
    last_name: str | None
    phone_number: str | None
    email: str | None
    language_code: str | None
    called_at: datetime | None
    desk: int | None
    served_at: datetime | None
    order_after: datetime | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return obj.kind == DomainTicketKind.QUEUE  # type: ignore[no-any-return]

    @relation_field(relations.LINE)
    def line(self, info: Info) -> Line: ...

    @relation_field(relations.CALLED_BY)
    def called_by(self, info: Info) -> User | None: ...

    @relation_field(relations.ASSIGNER)
    def assigner(self, info: Info) -> User | None: ...

    @strawberry.field(description="1-based place among the waiting tickets of its line.")
    def position(self, info: Info) -> int | None:
        if self.status != DomainQueueStatus.NEW:
            return None
        return info.context.loaders.queue_position.load(self.id)  # type: ignore[arg-type,return-value]
