"""The Ticket interface: what queue and helpdesk tickets share, relations through loaders."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from app.context import Info
from app.domain.cursors import decode_event_cursor
from app.domain.errors import DomainError
from app.loaders import PageKey
from app.loaders.cursors import decode_keyset
from app.loaders.pages import MESSAGE_CURSOR
from schema import docs
from schema.enums import OriginSystem, TicketKind, TicketState
from schema.errors import check_page_size, from_domain
from schema.executor import relations
from schema.executor.relations import RelationField, relation_field
from schema.ids import TICKET
from schema.permissions import AGENT
from schema.types.events import TicketEventConnection
from schema.types.messages import MessageConnection
from schema.types.node import Node, global_id, ticket_type_name
from schema.types.people import Contact, Team, User
from schema.types.places import Label
from schema.types.sla import SlaTimer
from schema.types.work import ExtraField, Interaction


def _check_message_page(arguments: dict[str, Any]) -> None:
    check_page_size(arguments.get("first"), "first")
    if arguments.get("after") is not None:
        _check_cursor(decode_keyset, MESSAGE_CURSOR, arguments["after"], "after")


def _check_cursor(decode: Any, *args: Any) -> None:
    # Checked here, not in the loader: a bad cursor must fail this field, not the whole batch.
    try:
        decode(*args)
    except DomainError as error:
        raise from_domain(error) from None


FIRST_100 = docs.first(relations.DEFAULT_PAGE)


@strawberry.type(description="Where a ticket came from and the vendor's own view of it.")
class TicketOrigin:
    system: OriginSystem = strawberry.field(
        description="The system the ticket came from; TICKETGW when created through this API."
    )
    external_id: str | None = strawberry.field(
        description=(
            "The ticket's id in that system (Qminder ticket id, Gorgias "
            "ticket id, Zaia ticket id); null when created here."
        )
    )
    raw_status: str | None = strawberry.field(
        description=(
            "The status exactly as the vendor last sent it (e.g. Gorgias "
            '"open"), before mapping to `status` and `state`; null when '
            "created here."
        )
    )
    vendor_updated_at: datetime | None = strawberry.field(
        description=(
            "When the vendor says it last changed the ticket (UTC): older "
            "payloads than this are ignored; null when created here."
        )
    )
    # The documents are not in ticket rows (app/loaders/by_id.py): read when asked.
    ticket_id: strawberry.Private[int]

    @strawberry.field(description="Vendor fields without a column of ours.")
    async def data(self, info: Info) -> JSON | None:
        return await self._document(info, "vendor_data")

    @strawberry.field(
        description="The last vendor payload as received (agent or admin keys).",
        permission_classes=AGENT,
    )
    async def payload(self, info: Info) -> JSON | None:
        return await self._document(info, "raw_payload")

    async def _document(self, info: Info, column: str) -> Any:
        documents = await info.context.loaders.ticket_documents.load(self.ticket_id)
        return None if documents is None else getattr(documents, column)


@strawberry.interface(description="A queue ticket or a helpdesk ticket.")
class Ticket(Node):
    kind: TicketKind = strawberry.field(
        description="Which kind it is: QUEUE (a QueueTicket) or HELPDESK (a HelpdeskTicket)."
    )
    state: TicketState = strawberry.field(
        description="The state shared by both kinds, derived from the kind's own `status`."
    )
    title: str | None = strawberry.field(
        description=(
            "A one-line label: the visitor's name or public id (queue), the "
            "subject or chat summary (helpdesk); null when there is none."
        )
    )
    version: int = strawberry.field(description="Bumped by every change (expectedVersion).")
    created_at: datetime = strawberry.field(
        description=(
            "When the ticket was created (UTC); for vendor tickets, the vendor's creation time."
        )
    )
    updated_at: datetime = strawberry.field(
        description="When the ticket last changed (UTC), any change."
    )
    closed_at: datetime | None = strawberry.field(
        description=(
            "When it reached RESOLVED or CANCELLED (UTC); null while open, "
            "and again after a reopen."
        )
    )

    if TYPE_CHECKING:  # columns of the row (the root) that resolvers read; not fields
        origin_system: str
        external_id: str | None
        raw_status: str | None
        vendor_updated_at: datetime | None

    @classmethod
    def resolve_type(cls, obj: Any, info: Any, abstract_type: Any) -> str:
        return ticket_type_name(obj)

    id = global_id(TICKET)

    # Relation fields (schema/executor/relations.py) return the value when the loader holds it, else
    # its future (no coroutine per field); the executor awaits it.
    @relation_field(relations.CONTACT, description="The visitor or customer.")
    def contact(self, info: Info) -> Contact | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.ASSIGNEE,
        description="The user responsible for the ticket now; null when unassigned.",
    )
    def assignee(self, info: Info) -> User | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(relations.TEAM, description="The team the ticket is routed to; null when none.")
    def team(self, info: Info) -> Team | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.LABELS, description="The ticket's labels (tags), by name; empty when none."
    )
    def labels(self, info: Info) -> list[Label]:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        RelationField(
            relations.MESSAGES,
            check=_check_message_page,
            wrap=lambda page: MessageConnection(page=page),
        ),
        description="Oldest first; at most 100 per page.",
    )
    def messages(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_100)] = None,
        after: Annotated[str | None, strawberry.argument(description=docs.AFTER)] = None,
    ) -> MessageConnection:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.INTERACTIONS,
        description=(
            "Service sessions, oldest first: each call of a queue ticket, "
            "each take-over of a helpdesk ticket."
        ),
    )
    def interactions(self, info: Info) -> list[Interaction]:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.EXTRA,
        description="Extra fields (Qminder) and external info, by title; empty when none.",
    )
    def extra(self, info: Info) -> list[ExtraField]:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.SLA_TIMERS,
        description="The ticket's SLA timers (first response, resolution, wait), counted in "
        "its policy's business hours; empty when no policy matched it at creation.",
    )
    def sla(self, info: Info) -> list[SlaTimer]:
        raise NotImplementedError  # a stub: relation_field resolves it

    @strawberry.field(description="Where the ticket came from, and the vendor's own view of it.")
    def origin(self) -> TicketOrigin:
        return TicketOrigin(
            system=self.origin_system,
            external_id=self.external_id,
            raw_status=self.raw_status,
            vendor_updated_at=self.vendor_updated_at,
            ticket_id=self.id,
        )

    @strawberry.field(description="The ticket's events in log order; at most 100 per page.")
    def history(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_100)] = None,
        after: Annotated[str | None, strawberry.argument(description=docs.AFTER)] = None,
    ) -> TicketEventConnection:
        check_page_size(first, "first")
        if after is not None:
            _check_cursor(decode_event_cursor, after)
        key = PageKey(self.id, first or relations.DEFAULT_PAGE, after)
        return cast(
            "TicketEventConnection",
            relations.wrap_when_done(
                info.context.loaders.history.load(key), TicketEventConnection.from_page
            ),
        )
