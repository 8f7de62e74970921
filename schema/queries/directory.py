"""Plain lists of a workspace (lines, users, teams, labels) and the viewer."""

from __future__ import annotations

import asyncio
from typing import cast

import strawberry

from app.context import Info
from app.loaders.directory import list_rows, workspace_row
from schema.permissions import AUTHENTICATED
from schema.types.people import Team, User
from schema.types.places import Label, Line
from schema.types.workspace import Viewer, Workspace


@strawberry.type
class DirectoryQueries:
    @strawberry.field(permission_classes=AUTHENTICATED, description="All lines, by name.")
    async def lines(self, info: Info) -> list[Line]:
        return cast(
            "list[Line]", await list_rows(info.context.db, info.context.workspace_id, "line")
        )

    @strawberry.field(permission_classes=AUTHENTICATED, description="All users, by name.")
    async def users(self, info: Info) -> list[User]:
        return cast(
            "list[User]", await list_rows(info.context.db, info.context.workspace_id, "user")
        )

    @strawberry.field(permission_classes=AUTHENTICATED, description="All teams, by name.")
    async def teams(self, info: Info) -> list[Team]:
        return cast(
            "list[Team]", await list_rows(info.context.db, info.context.workspace_id, "team")
        )

    @strawberry.field(permission_classes=AUTHENTICATED, description="All labels, by name.")
    async def labels(self, info: Info) -> list[Label]:
        return cast(
            "list[Label]", await list_rows(info.context.db, info.context.workspace_id, "label")
        )

    @strawberry.field(permission_classes=AUTHENTICATED, description="Who the API key is.")
    async def viewer(self, info: Info) -> Viewer:
        ctx = info.context
        principal = ctx.require_principal()
        user, workspace = await asyncio.gather(
            ctx.loaders.user.load(principal.user_id), workspace_row(ctx.db, principal.workspace_id)
        )
        return Viewer(
            user=cast("User", user), workspace=cast("Workspace", workspace), role=principal.role
        )
