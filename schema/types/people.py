"""Who works tickets (users, teams) and who they are for (contacts)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema import docs
from schema.types.node import Node, RowType, global_id


@strawberry.type(description="A staff member (agent, clerk) of the workspace.")
class User(RowType, Node):
    name: str = strawberry.field(
        description="How the user is shown: the full name as entered or received."
    )
    first_name: str | None = strawberry.field(
        description="First name, when known separately; null otherwise."
    )
    last_name: str | None = strawberry.field(
        description="Last name, when known separately; null otherwise."
    )
    email: str | None = strawberry.field(description="Work email address; null when not given.")
    picture: str | None = strawberry.field(description=docs.PICTURE)
    external_id: str | None = strawberry.field(description=docs.EXTERNAL_ID)
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("User")


@strawberry.type(description="A group of users tickets can be routed to.")
class Team(RowType, Node):
    name: str = strawberry.field(description='The team\'s name, e.g. "Billing".')
    picture: str | None = strawberry.field(description=docs.PICTURE)
    external_id: str | None = strawberry.field(description=docs.EXTERNAL_ID)
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("Team")


@strawberry.type(description="A queue visitor or a helpdesk customer.")
class Contact(RowType, Node):
    name: str | None = strawberry.field(
        description="Full name as given or received; null for an anonymous visitor."
    )
    first_name: str | None = strawberry.field(description="First name; null when unknown.")
    last_name: str | None = strawberry.field(description="Last name; null when unknown.")
    email: str | None = strawberry.field(description="Email address; null when unknown.")
    phone_number: str | None = strawberry.field(
        description=(
            "Phone number as given (E.164 when the vendor sends it so); null when unknown."
        )
    )
    language: str | None = strawberry.field(
        description='Preferred language as a code, e.g. "en" or "et"; null when unknown.'
    )
    timezone: str | None = strawberry.field(
        description='IANA time zone, e.g. "Europe/Tallinn"; null when unknown.'
    )
    note: str | None = strawberry.field(
        description="Free-text note about the contact kept by staff; null when none."
    )
    identifier: str | None = strawberry.field(
        description="Who the contact is on its channel when that is no email: a phone number, "
        "a handle (Zaia ownerIdentifier)."
    )
    data: JSON | None = strawberry.field(description="Vendor data kept as received.")
    external_id: str | None = strawberry.field(description=docs.EXTERNAL_ID)
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("Contact")
