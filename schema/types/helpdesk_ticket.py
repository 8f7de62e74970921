"""A support conversation (Gorgias), including AI-chat hand-overs (Zaia)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.context import Info
from app.domain.enums import TicketKind as DomainTicketKind
from schema import relations
from schema.enums import Circumstance, HelpdeskStatus
from schema.relations import relation_field
from schema.types.people import Contact
from schema.types.ticket import Ticket


@strawberry.type(description="The AI agent that answered before a human took over.")
class Responder:
    name: str | None
    version: int | None


@strawberry.type(description="A customer satisfaction survey (Gorgias).")
class Satisfaction:
    score: int | None
    body_text: str | None
    created_at: datetime | None
    should_send_at: datetime | None = strawberry.field(
        description="When the survey is due to go out (Gorgias should_send_datetime)."
    )
    sent_at: datetime | None
    scored_at: datetime | None

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
    status: HelpdeskStatus
    subject: str | None
    summary: str | None
    channel: str | None
    channel_name: str | None = strawberry.field(
        description="The display name of the channel (Zaia channelName, e.g. Website widget)."
    )
    via: str | None
    circumstance: Circumstance | None
    snooze_until: datetime | None
    spam: bool
    trashed_at: datetime | None
    unread: bool
    language: str | None
    last_message_at: datetime | None
    last_received_message_at: datetime | None
    opened_at: datetime | None
    ongoing_at: datetime | None
    last_viewed_at: datetime | None
    from_agent: bool | None
    external_reference: str | None = strawberry.field(
        description="The vendor's own external reference (Gorgias external_id)."
    )
    chat_id: str | None
    chat_is_removed: bool | None = strawberry.field(
        description="Zaia removed the chat: the ticket is hidden like a trashed one."
    )
    is_owner_blocked: bool | None
    pending_chat_messages: int | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return obj.kind == DomainTicketKind.HELPDESK  # type: ignore[no-any-return]

    @relation_field(relations.CONTACT, description="The customer (same as contact).")
    def customer(self, info: Info) -> Contact | None: ...

    @strawberry.field
    def responder(self) -> Responder | None:
        name, version = self.responder_name, self.responder_version  # type: ignore[attr-defined]
        if name is None and version is None:
            return None
        return Responder(name=name, version=version)

    @strawberry.field
    def satisfaction(self) -> Satisfaction | None:
        data = self.satisfaction
        return Satisfaction.from_dict(data) if isinstance(data, dict) else None
