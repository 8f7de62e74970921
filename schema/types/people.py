"""Who works tickets (users, teams) and who they are for (contacts)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema.ids import encode_id
from schema.types.node import Node, RowType


@strawberry.type(description="A staff member (agent, clerk) of the workspace.")
class User(RowType, Node):
    name: str
    first_name: str | None
    last_name: str | None
    email: str | None
    picture: str | None
    external_id: str | None
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("User", self.id))  # type: ignore[arg-type]


@strawberry.type(description="A group of users tickets can be routed to.")
class Team(RowType, Node):
    name: str
    picture: str | None
    external_id: str | None
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Team", self.id))  # type: ignore[arg-type]


@strawberry.type(description="A queue visitor or a helpdesk customer.")
class Contact(RowType, Node):
    name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    phone_number: str | None
    language: str | None
    timezone: str | None
    note: str | None
    identifier: str | None = strawberry.field(
        description="Who the contact is on its channel when that is no email: a phone number, "
        "a handle (Zaia ownerIdentifier)."
    )
    data: JSON | None = strawberry.field(description="Vendor data kept as received.")
    external_id: str | None
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Contact", self.id))  # type: ignore[arg-type]
