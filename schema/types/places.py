"""Lines (where visitors wait) and labels (tags on tickets)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.ids import encode_id
from schema.types.node import Node, RowType


@strawberry.type(description="A queue line: where walk-in visitors wait to be called.")
class Line(RowType, Node):
    name: str
    prefix: str = strawberry.field(description='Letters before the number: "A" gives "A-42".')
    external_id: str | None
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Line", self.id))  # type: ignore[arg-type]


@strawberry.type(description="A label (Qminder) or tag (Gorgias, Zaia).")
class Label(RowType, Node):
    name: str
    color: str | None
    description: str | None
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Label", self.id))  # type: ignore[arg-type]
