"""Service sessions (interactions) and extra fields of a ticket."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.context import Info
from schema.executor import relations
from schema.executor.relations import relation_field
from schema.types.people import User
from schema.types.places import Line


@strawberry.type(description="One service session: from a call to its end.")
class Interaction:
    start: datetime = strawberry.field(
        description="When the visitor was called (queue) or the agent took over (helpdesk), UTC."
    )
    end: datetime | None = strawberry.field(
        description="When the session ended (served, no-show, returned); null while it goes on."
    )
    desk: int | None = strawberry.field(
        description="The desk the visitor was called to; null when not told."
    )

    @relation_field(
        relations.LINE,
        description="The line the visitor was called from; null for helpdesk sessions.",
    )
    def line(self, info: Info) -> Line | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.INTERACTION_USER,
        description="The clerk or agent who served; null when not recorded.",
    )
    def user(self, info: Info) -> User | None:
        raise NotImplementedError  # a stub: relation_field resolves it

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
    title: str = strawberry.field(
        description='The field\'s name, e.g. "Order number"; unique on a ticket.'
    )
    value: str | None = strawberry.field(
        description="The field's value as text; null when only a link or data is set."
    )
    url: str | None = strawberry.field(description="A link to open for this field; null when none.")
    provider: str | None = strawberry.field(
        description=(
            "The system that supplied it (Qminder external info); null for plain extra fields."
        )
    )
    data: JSON | None = strawberry.field(
        description="Structured data the provider sent with it, as received; null when none."
    )
