"""Query.queueBoard: the board of some lines, as a TV shows it (DISPLAY keys may read it)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import argument as arg

from app.context import Info
from app.domain.errors import DomainError
from app.floor import clock
from app.floor.board import lines_for, read_board
from schema.errors import from_domain
from schema.ids import decode_pks
from schema.permissions import BOARD
from schema.types.queue_floor.board import QueueBoard

LINE_IDS = (
    "The lines to show (`Line.id`, at most 50). Null: a DISPLAY key's own lines, or every "
    "line of the workspace for other keys. A DISPLAY key may name only its own lines."
)
DESCRIPTION = (
    "The queue board of some lines: the called tickets with their desk, the waiting list with "
    "positions and estimates, and per line the waiting count and estimated wait. The one "
    "query a DISPLAY key may make."
)


def board_lines(info: Info, line_ids: list[strawberry.ID] | None) -> tuple[int, ...] | None:
    """The lines the caller's board shows; GraphQL errors for malformed or forbidden ones."""
    requested = (
        None if line_ids is None else decode_pks(list(map(str, line_ids)), "Line", "lineIds")
    )
    try:
        return lines_for(info.context.require_principal(), requested)
    except DomainError as error:
        raise from_domain(error) from None


@strawberry.type
class BoardQueries:
    @strawberry.field(permission_classes=BOARD, description=DESCRIPTION)
    async def queue_board(
        self,
        info: Info,
        line_ids: Annotated[list[strawberry.ID] | None, arg(LINE_IDS)] = None,
    ) -> QueueBoard:
        lines = board_lines(info, line_ids)
        ctx = info.context
        try:
            board = await read_board(ctx.db, ctx.workspace_id, lines, now=clock.now())
        except DomainError as error:
            raise from_domain(error) from None
        return QueueBoard.from_board(board)
