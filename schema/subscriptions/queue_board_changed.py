"""Subscription.queueBoardChanged: the whole board after each change, resumable by cursor."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Annotated

import strawberry
from strawberry import argument as arg

from app.context import Info
from app.domain.errors import DomainError
from app.floor import clock
from app.floor.board_feed import board_changes
from app.live.event_feed import FeedClosed
from app.socket_guard import CLOSE_RESTART
from schema.errors import from_domain
from schema.permissions import BOARD
from schema.queries.board import LINE_IDS, board_lines
from schema.subscriptions.stream import RESTART_REASON, parse_after
from schema.types.queue_floor.board import QueueBoard

AFTER = (
    "The `cursor` of the last board you showed: a board comes at once if anything changed "
    "since, else at the next change. Null: the current board first."
)
DESCRIPTION = (
    "The whole queue board (as Query.queueBoard) after each change to it, each with its "
    "cursor. Resume after a disconnect or a server restart (close code 1012; 1013 while the "
    "database is unavailable) with `after: <last cursor>`. A DISPLAY key may subscribe to "
    "this and nothing else."
)


@strawberry.type
class QueueBoardChangedSubscription:
    @strawberry.subscription(permission_classes=BOARD, description=DESCRIPTION)
    async def queue_board_changed(
        self,
        info: Info,
        line_ids: Annotated[list[strawberry.ID] | None, arg(LINE_IDS)] = None,
        after: Annotated[str | None, arg(AFTER)] = None,
    ) -> AsyncGenerator[QueueBoard, None]:
        lines = board_lines(info, line_ids)
        after_seq = parse_after(after)
        ctx = info.context
        boards = board_changes(
            ctx.require_feed(),
            ctx.db,
            ctx.workspace_id,
            lines,
            after_seq=after_seq,
            clock=clock.now,
        )
        try:
            async with aclosing(boards) as stream:
                async for board in stream:
                    yield QueueBoard.from_board(board)
        except DomainError as error:
            raise from_domain(error) from None
        except FeedClosed:
            await ctx.close_connection(CLOSE_RESTART, RESTART_REASON)
