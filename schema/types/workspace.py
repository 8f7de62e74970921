"""The caller's workspace and who the caller is (Query.viewer)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema import docs
from schema.enums import Role
from schema.types.node import Node, RowType, global_id
from schema.types.people import User


@strawberry.type(description="A tenant: everything an API key can see belongs to one.")
class Workspace(RowType, Node):
    slug: str = strawberry.field(
        description=(
            "Short unique name used in URLs (webhooks: /ingest/{vendor}/{slug}) and the CLI."
        )
    )
    name: str = strawberry.field(description="The workspace's display name.")
    timezone: str = strawberry.field(
        description=(
            'IANA time zone of its business, e.g. "Europe/Tallinn": queue '
            "numbers restart each local day."
        )
    )
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("Workspace")


@strawberry.type(description="The API key's user, workspace and role.")
class Viewer:
    user: User = strawberry.field(
        description="The user the API key acts as: the actor of what the key does."
    )
    workspace: Workspace = strawberry.field(
        description="The workspace the key belongs to; everything the key sees is in it."
    )
    role: Role = strawberry.field(description="What the key may do.")
