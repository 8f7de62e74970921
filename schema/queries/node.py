"""Query.node(id) and Query.nodes(ids): any object by global ID, inside the caller's workspace.

Another workspace's id answers null, exactly like an unknown one.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry import argument as arg

from app.context import Info
from app.loaders.directory import workspace_row
from schema.ids import decode_id
from schema.permissions import AUTHENTICATED
from schema.types.node import Node

_LOADER_OF = {
    "Ticket": "ticket",
    "User": "user",
    "Team": "team",
    "Line": "line",
    "Location": "location",
    "Contact": "contact",
    "Label": "label",
    "Message": "message",
    "TicketEvent": "event",
    "BusinessCalendar": "sla_calendar",
    "SlaPolicy": "sla_policy",
}


async def _load_node(info: Info, type_name: str, pk: int) -> Any:
    ctx = info.context
    if type_name == "Workspace":
        return await workspace_row(ctx.db, pk) if pk == ctx.workspace_id else None
    return await getattr(ctx.loaders, _LOADER_OF[type_name]).load(pk)


@strawberry.type
class NodeQueries:
    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="Any object of your workspace by its global ID; null when there is none.",
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, arg("Any global ID (`id` of a Node).")]
    ) -> Node | None:
        return await _load_node(info, *decode_id(id))

    @strawberry.field(permission_classes=AUTHENTICATED, description="At most 100 ids.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], arg("Global IDs, 1 to 100; any mix of types.")],
    ) -> list[Node | None]:
        from schema.errors import check_page_size

        check_page_size(len(ids) or None, "ids")
        decoded = [decode_id(value, "ids") for value in ids]
        return list(await asyncio.gather(*(_load_node(info, *d) for d in decoded)))
