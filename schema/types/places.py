"""Lines (where visitors wait), their locations, and labels (tags on tickets)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.context import Info
from schema import docs
from schema.executor import relations
from schema.executor.relations import relation_field
from schema.types.node import Node, RowType, global_id
from schema.types.queue_floor.stats import SINCE, LineStats, line_stats


@strawberry.type(description="A physical place lines belong to (a Qminder location).")
class Location(RowType, Node):
    name: str = strawberry.field(description="The location's name, as its vendor last sent it.")
    external_id: str | None = strawberry.field(description="The vendor's id of the location.")
    created_at: datetime = strawberry.field(description="When ticketgw first heard of it.")

    id = global_id("Location")


@strawberry.type(description="A queue line: where walk-in visitors wait to be called.")
class Line(RowType, Node):
    name: str = strawberry.field(description='The line\'s name, e.g. "Pharmacy".')
    prefix: str = strawberry.field(description='Letters before the number: "A" gives "A-42".')
    external_id: str | None = strawberry.field(description=docs.EXTERNAL_ID)
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("Line")

    @relation_field(
        relations.LOCATION,
        description="Where the line is (Qminder line_changed / location_changed), if known.",
    )
    def location(self, info: Info) -> Location | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @strawberry.field(
        description=(
            "How the line did since a moment (default: today): counts, waits, service times "
            "and desks, from its event log."
        )
    )
    async def stats(
        self,
        info: Info,
        since: Annotated[datetime | None, strawberry.argument(description=SINCE)] = None,
    ) -> LineStats:
        return await line_stats(info, self.id, since)


@strawberry.type(description="A label (Qminder) or tag (Gorgias, Zaia).")
class Label(RowType, Node):
    name: str = strawberry.field(
        description="The label's text; unique in the workspace, and what filters match."
    )
    color: str | None = strawberry.field(
        description="Display colour as #RRGGBB; null lets clients choose. The vendor that made"
        " the label keeps its colour; other vendors fill it only while it has none."
    )
    description: str | None = strawberry.field(description="What the label is for; null when none.")
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("Label")
