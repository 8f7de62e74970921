"""Lines (where visitors wait) and labels (tags on tickets)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema import docs
from schema.ids import encode_id
from schema.types.node import Node, RowType


@strawberry.type(description="A queue line: where walk-in visitors wait to be called.")
class Line(RowType, Node):
    name: str = strawberry.field(description='The line\'s name, e.g. "Pharmacy".')
    prefix: str = strawberry.field(description='Letters before the number: "A" gives "A-42".')
    external_id: str | None = strawberry.field(description=docs.EXTERNAL_ID)
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    @strawberry.field(description=docs.ID)
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Line", self.id))  # type: ignore[arg-type]


@strawberry.type(description="A label (Qminder) or tag (Gorgias, Zaia).")
class Label(RowType, Node):
    name: str = strawberry.field(
        description="The label's text; unique in the workspace, and what filters match."
    )
    color: str | None = strawberry.field(
        description="Display color, #RGB or #RRGGBB; null lets clients choose."
    )
    description: str | None = strawberry.field(description="What the label is for; null when none.")
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    @strawberry.field(description=docs.ID)
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Label", self.id))  # type: ignore[arg-type]
