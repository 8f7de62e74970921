"""Messages of a ticket (SMS, email, chat) and their attachments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import strawberry

from app.context import Info
from app.loaders.cursors import encode_keyset
from app.loaders.pages import MESSAGE_CURSOR, RowPage
from schema import docs
from schema.enums import MessageDirection
from schema.executor import relations
from schema.executor.relations import relation_field
from schema.types.node import Node, RowType, global_id
from schema.types.pagination import PageInfo
from schema.types.people import User


def _size(value: Any) -> int | None:
    """Bytes; rows stored before ingest read "1024" as a number keep it as sent."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@strawberry.type(description="A file attached to a message.")
class Attachment:
    name: str | None = strawberry.field(
        description="The file name; null when the vendor sent none."
    )
    url: str | None = strawberry.field(
        description="Where to download the file; null when the vendor sent none."
    )
    content_type: str | None = strawberry.field(
        description='The file\'s media type, e.g. "image/png"; null when unknown.'
    )
    size: int | None = strawberry.field(description="The file's size in bytes; null when unknown.")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(
            name=data.get("name"),
            url=data.get("url"),
            content_type=data.get("content_type") or data.get("contentType"),
            size=_size(data.get("size")),
        )


@strawberry.type(description="Someone a message was sent from or to, as its routing names them.")
class MessageAddress:
    name: str | None = strawberry.field(description="The display name, e.g. Acme Support.")
    address: str | None = strawberry.field(
        description="The address on the message's channel: an email address, a phone number."
    )

    @classmethod
    def from_value(cls, value: Any) -> MessageAddress | None:
        if not isinstance(value, dict):
            return None
        name, address = value.get("name"), value.get("address")
        return cls(
            name=name if isinstance(name, str) else None,
            address=address if isinstance(address, str) else None,
        )


def _addresses(routing: Any, key: str) -> list[MessageAddress]:
    values = routing.get(key) if isinstance(routing, dict) else None
    if not isinstance(values, list):
        return []
    found = (MessageAddress.from_value(value) for value in values)
    return [address for address in found if address is not None]


@strawberry.type(description="A message on a ticket; lists are oldest first.")
class Message(RowType, Node):
    body: str | None = strawberry.field(
        description="The text of the message; null when it has only HTML or attachments."
    )
    body_html: str | None = strawberry.field(
        description="The message as HTML, when it came as HTML (email); null otherwise."
    )
    direction: MessageDirection = strawberry.field(
        description="Who wrote it: the customer or visitor (INCOMING) or staff (OUTGOING)."
    )
    channel: str | None = strawberry.field(
        description=(
            'How it was sent: "email", "sms", "chat", "internal-note"...; null when not told.'
        )
    )
    via: str | None = strawberry.field(
        description="The integration it came through, as Gorgias names it; null when unknown."
    )
    status: str | None = strawberry.field(description="Delivery status, e.g. SMS DELIVERED.")
    public: bool = strawberry.field(
        description="False for internal notes, which the customer never sees."
    )
    subject: str | None = strawberry.field(
        description="The email subject; null for other channels."
    )
    created_at: datetime = strawberry.field(
        description=(
            "When it was written (UTC). Lists of messages are in this order, oldest first."
        )
    )
    opened_at: datetime | None = strawberry.field(
        description=(
            "When the recipient opened it, as the vendor reports it (UTC); null when unknown."
        )
    )
    failed_at: datetime | None = strawberry.field(
        description="When sending it failed (UTC); null when it did not fail."
    )
    external_id: str | None = strawberry.field(description=docs.EXTERNAL_ID)
    sent_at: datetime | None = strawberry.field(
        description="When the vendor sent it (Gorgias sent_datetime); null while unsent."
    )
    external_reference: str | None = strawberry.field(
        description="The message's id in a foreign system (Gorgias message external_id)."
    )

    if TYPE_CHECKING:  # a column of the row (the root) that resolvers read; not a field
        routing: Any

    @strawberry.field(
        description="How the message was routed (Gorgias source.type: email, chat, "
        "internal-note, ...)."
    )
    def routing_type(self) -> str | None:
        routing = self.routing
        value = routing.get("type") if isinstance(routing, dict) else None
        return value if isinstance(value, str) else None

    @strawberry.field(description="Who the routing says it came from (Gorgias source.from).")
    def sender(self) -> MessageAddress | None:
        routing = self.routing
        return MessageAddress.from_value(routing.get("from")) if isinstance(routing, dict) else None

    @strawberry.field(description="Who it was sent to (Gorgias source.to).")
    def recipients(self) -> list[MessageAddress]:
        return _addresses(self.routing, "to")

    @strawberry.field(description="Copied recipients (Gorgias source.cc).")
    def cc(self) -> list[MessageAddress]:
        return _addresses(self.routing, "cc")

    @strawberry.field(description="Blind-copied recipients (Gorgias source.bcc).")
    def bcc(self) -> list[MessageAddress]:
        return _addresses(self.routing, "bcc")

    id = global_id("Message")

    @relation_field(
        relations.AUTHOR,
        description=(
            "The staff member who wrote it; null for customers' messages and automatic ones."
        ),
    )
    def author(self, info: Info) -> User | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @strawberry.field(description="Files attached to the message; empty when none.")
    def attachments(self) -> list[Attachment]:
        items = self.attachments or []
        return [Attachment.from_dict(item) for item in items if isinstance(item, dict)]


@strawberry.type(description="One message of a page, with its cursor.")
class MessageEdge:
    cursor: str = strawberry.field(description=docs.EDGE_CURSOR)
    node: Message = strawberry.field(description="The message.")


@strawberry.type(description="A page of a ticket's messages, oldest first.")
class MessageConnection:
    page: strawberry.Private[RowPage]

    @strawberry.field(description=docs.EDGES)
    def edges(self) -> list[MessageEdge]:
        return [
            MessageEdge(cursor=message_cursor(row), node=cast("Message", row))
            for row in self.page.rows
        ]

    @strawberry.field(description="The messages of this page, without cursors.")
    def nodes(self) -> list[Message]:
        return cast("list[Message]", self.page.rows)

    @strawberry.field(description=docs.PAGE_INFO)
    def page_info(self) -> PageInfo:
        return PageInfo.of_rows(self.page.rows, message_cursor, has_next=self.page.has_next_page)


def message_cursor(row: Any) -> str:
    return encode_keyset(MESSAGE_CURSOR, row.created_at, row.id)
