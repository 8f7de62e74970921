"""A support conversation (Gorgias), including AI-chat hand-overs (Zaia)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry

from app.context import Info
from app.domain.enums import TicketKind as DomainTicketKind
from schema.enums import Circumstance, HelpdeskStatus
from schema.executor import relations
from schema.executor.relations import relation_field
from schema.types.people import Contact
from schema.types.ticket import Ticket


@strawberry.type(description="The AI agent that answered before a human took over.")
class Responder:
    name: str | None = strawberry.field(
        description="The AI agent's name, as the vendor sends it; null when unknown."
    )
    version: int | None = strawberry.field(
        description="The AI agent's version number; null when unknown."
    )


@strawberry.type(description="A customer satisfaction survey (Gorgias).")
class Satisfaction:
    score: int | None = strawberry.field(
        description="The customer's score (Gorgias: 1 to 5); null while not answered."
    )
    body_text: str | None = strawberry.field(description="The customer's comment; null when none.")
    created_at: datetime | None = strawberry.field(
        description="When the survey was created (UTC); null when unknown."
    )
    should_send_at: datetime | None = strawberry.field(
        description="When the survey is due to go out (Gorgias should_send_datetime)."
    )
    sent_at: datetime | None = strawberry.field(
        description="When the survey was sent to the customer (UTC); null when not sent yet."
    )
    scored_at: datetime | None = strawberry.field(
        description="When the customer answered (UTC); null while not answered."
    )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Satisfaction:
        score = data.get("score")
        return cls(
            score=score if isinstance(score, int) else None,
            body_text=data.get("body_text"),
            created_at=_when(data.get("created_at") or data.get("created_datetime")),
            should_send_at=_when(data.get("should_send_at") or data.get("should_send_datetime")),
            sent_at=_when(data.get("sent_at") or data.get("sent_datetime")),
            scored_at=_when(data.get("scored_at") or data.get("scored_datetime")),
        )


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


@strawberry.type(description="A helpdesk conversation with a customer.")
class HelpdeskTicket(Ticket):
    status: HelpdeskStatus = strawberry.field(
        description=(
            "The helpdesk status; `state` is derived from it (and from the spam and trash flags)."
        )
    )
    subject: str | None = strawberry.field(
        description="The conversation's subject line; null when none (chats often have none)."
    )
    summary: str | None = strawberry.field(
        description="A short summary of the conversation (Zaia's chat summary); null when none."
    )
    channel: str | None = strawberry.field(
        description=(
            'Where the conversation happens, as the vendor names it: "email",'
            ' "chat", "sms", "api"...; null when unknown.'
        )
    )
    channel_name: str | None = strawberry.field(
        description="The display name of the channel (Zaia channelName, e.g. Website widget)."
    )
    via: str | None = strawberry.field(
        description=(
            'How the ticket was created, as Gorgias names it ("email", '
            '"helpdesk", "api"...); null when unknown.'
        )
    )
    circumstance: Circumstance | None = strawberry.field(
        description="For AI-chat tickets (Zaia), why a human took over; null for other tickets."
    )
    snooze_until: datetime | None = strawberry.field(
        description="While SNOOZED, when it wakes up OPEN again (UTC); null otherwise."
    )
    spam: bool = strawberry.field(
        description=(
            "Marked as spam: the state is CANCELLED while true, and lists "
            "leave it out unless `includeRemoved`."
        )
    )
    trashed_at: datetime | None = strawberry.field(
        description=(
            "When it was moved to the trash (UTC): the state is CANCELLED "
            "while set; null when not trashed."
        )
    )
    unread: bool = strawberry.field(
        description=(
            "True until an agent reads it (markTicketRead); new incoming "
            "messages make it true again."
        )
    )
    language: str | None = strawberry.field(
        description='The conversation\'s language as a code ("en", "fr"); null when unknown.'
    )
    last_message_at: datetime | None = strawberry.field(
        description=(
            "When the last message, in either direction, was written (UTC); "
            "null when there is none."
        )
    )
    last_received_message_at: datetime | None = strawberry.field(
        description="When the customer last wrote (UTC); null when they never did."
    )
    opened_at: datetime | None = strawberry.field(
        description=(
            "When an agent first opened the ticket, as the vendor reports it "
            "(UTC); null when unknown."
        )
    )
    ongoing_at: datetime | None = strawberry.field(
        description=(
            "When it became ONGOING, that is, a human took over (UTC); null when it never did."
        )
    )
    last_viewed_at: datetime | None = strawberry.field(
        description="When an agent last viewed it, as Zaia reports it (UTC); null when unknown."
    )
    from_agent: bool | None = strawberry.field(
        description=(
            "True when staff started the conversation, false when the "
            "customer did; null when unknown."
        )
    )
    external_reference: str | None = strawberry.field(
        description="The vendor's own external reference (Gorgias external_id)."
    )
    chat_id: str | None = strawberry.field(
        description="The chat the ticket belongs to (Zaia); null for other tickets."
    )
    chat_is_removed: bool | None = strawberry.field(
        description=(
            "True when the chat was removed in Zaia: the ticket is then hidden like a trashed"
            " one (`includeRemoved` shows it); null for other tickets."
        )
    )
    is_owner_blocked: bool | None = strawberry.field(
        description="True when the chat's owner is blocked in Zaia; null for other tickets."
    )
    pending_chat_messages: int | None = strawberry.field(
        description="How many chat messages wait for an answer (Zaia); null for other tickets."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return obj.kind == DomainTicketKind.HELPDESK

    @relation_field(relations.CONTACT, description="The customer (same as contact).")
    def customer(self, info: Info) -> Contact | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    if TYPE_CHECKING:  # columns of the row (the root) that resolvers read; not fields
        responder_name: str | None
        responder_version: int | None

    @strawberry.field(
        description=(
            "The AI agent that answered before a human took over (Zaia); null for other tickets."
        )
    )
    def responder(self) -> Responder | None:
        name, version = self.responder_name, self.responder_version
        if name is None and version is None:
            return None
        return Responder(name=name, version=version)

    @strawberry.field(
        description="The customer satisfaction survey (Gorgias); null when none was sent."
    )
    def satisfaction(self) -> Satisfaction | None:
        data = self.satisfaction
        return Satisfaction.from_dict(data) if isinstance(data, dict) else None
