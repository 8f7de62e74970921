"""Plain lists of a workspace (lines, users, teams, labels) and the viewer."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import strawberry

from app.context import Info
from app.loaders.directory import list_rows, workspace_row
from schema.permissions import AUTHENTICATED
from schema.types.people import Team, User
from schema.types.places import Label, Line
from schema.types.workspace import Viewer, Workspace


def _every(what: str, description: str) -> Any:
    """A field listing every row of one directory table of the workspace (`what`), by name."""

    async def resolve(info: Info) -> list[Any]:
        return await list_rows(info.context.db, info.context.workspace_id, what)

    # The field's annotation, not the resolver's, gives its GraphQL type.
    return strawberry.field(
        resolver=resolve, permission_classes=AUTHENTICATED, description=description
    )


@strawberry.type
class DirectoryQueries:
    lines: list[Line] = _every("line", "All lines, by name.")
    users: list[User] = _every("user", "All users, by name.")
    teams: list[Team] = _every("team", "All teams, by name.")
    labels: list[Label] = _every("label", "All labels, by name.")

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
