"""The caller's workspace and who the caller is (Query.viewer)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.enums import Role
from schema.ids import encode_id
from schema.types.node import Node, RowType
from schema.types.people import User


@strawberry.type(description="A tenant: everything an API key can see belongs to one.")
class Workspace(RowType, Node):
    slug: str
    name: str
    timezone: str
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Workspace", self.id))  # type: ignore[arg-type]


@strawberry.type(description="The API key's user, workspace and role.")
class Viewer:
    user: User
    workspace: Workspace
    role: Role
