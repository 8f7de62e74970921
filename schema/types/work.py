"""Service sessions (interactions) and extra fields of a ticket."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.context import Info
from schema import relations
from schema.relations import relation_field
from schema.types.people import User
from schema.types.places import Line


@strawberry.type(description="One service session: from a call to its end.")
class Interaction:
    start: datetime
    end: datetime | None
    desk: int | None

    @relation_field(relations.LINE)
    def line(self, info: Info) -> Line | None: ...

    @relation_field(relations.INTERACTION_USER)
    def user(self, info: Info) -> User | None: ...

    @strawberry.field(description="Seconds from the ticket's creation to this call.")
    def wait_time(self) -> int | None:
        created = getattr(self, "ticket_created_at", None)
        return None if created is None else int((self.start - created).total_seconds())

    @strawberry.field(description="Seconds from the call to the end of service.")
    def service_time(self) -> int | None:
        if self.end is None:
            return None
        return int((self.end - self.start).total_seconds())


@strawberry.type(description="An extra field (Qminder) or external info with its provider.")
class ExtraField:
    title: str
    value: str | None
    url: str | None
    provider: str | None
    data: JSON | None
