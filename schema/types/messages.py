"""Messages of a ticket (SMS, email, chat) and their attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.context import Info
from app.loaders.cursors import encode_keyset
from app.loaders.pages import MESSAGE_CURSOR, RowPage
from schema import relations
from schema.enums import MessageDirection
from schema.ids import encode_id
from schema.relations import relation_field
from schema.types.node import Node, RowType
from schema.types.pagination import PageInfo
from schema.types.people import User


@strawberry.type(description="A file attached to a message.")
class Attachment:
    name: str | None
    url: str | None
    content_type: str | None
    size: int | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        size = data.get("size")
        return cls(
            name=data.get("name"),
            url=data.get("url"),
            content_type=data.get("content_type") or data.get("contentType"),
            size=size if isinstance(size, int) else None,
        )


@strawberry.type(description="A message on a ticket; lists are oldest first.")
class Message(RowType, Node):
    body: str | None
    body_html: str | None
    direction: MessageDirection
    channel: str | None
    via: str | None
    status: str | None = strawberry.field(description="Delivery status, e.g. SMS DELIVERED.")
    public: bool
    subject: str | None
    created_at: datetime
    opened_at: datetime | None
    failed_at: datetime | None
    external_id: str | None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Message", self.id))  # type: ignore[arg-type]

    @relation_field(relations.AUTHOR)
    def author(self, info: Info) -> User | None: ...

    @strawberry.field
    def attachments(self) -> list[Attachment]:
        items = self.attachments or []  # type: ignore[attr-defined]
        return [Attachment.from_dict(item) for item in items if isinstance(item, dict)]


@strawberry.type
class MessageEdge:
    cursor: str
    node: Message


@strawberry.type(description="A page of a ticket's messages, oldest first.")
class MessageConnection:
    page: strawberry.Private[RowPage]

    @strawberry.field
    def edges(self) -> list[MessageEdge]:
        return [MessageEdge(cursor=message_cursor(row), node=row) for row in self.page.rows]  # type: ignore[arg-type]

    @strawberry.field(description="The messages of this page, without cursors.")
    def nodes(self) -> list[Message]:
        return self.page.rows  # type: ignore[return-value]

    @strawberry.field
    def page_info(self) -> PageInfo:
        rows = self.page.rows
        return PageInfo(
            has_next_page=self.page.has_next_page,
            has_previous_page=False,
            start_cursor=message_cursor(rows[0]) if rows else None,
            end_cursor=message_cursor(rows[-1]) if rows else None,
        )


def message_cursor(row: Any) -> str:
    return encode_keyset(MESSAGE_CURSOR, row.created_at, row.id)
