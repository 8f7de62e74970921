"""queueBoardChanged: the whole board after each change of it, resumable from its cursor.

No event is lost and no board is built per event: the board is read at the log's head, so it
covers every event up to there, and the events at or below that head (a replay after a
reconnect, a burst of calls) are passed over without another read. An event of another line
leaves the board as it was: a board equal to the last one sent (app/floor/board.py
`signature`) is not sent again. Screens of the same lines share each read (shared_reads.py).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from datetime import datetime

from app.db.engine import Database
from app.domain.enums import TicketKind
from app.domain.event_filter import EventFilter
from app.floor.board import Board, read_board
from app.floor.shared_reads import SharedReads
from app.live.feed_view import SubscriptionFeed

# A ticket moved out of the board's line is now in another one: a filter on lines (which
# matches a ticket's line as it is now) would miss it. Every queue event is looked at.
_QUEUE_EVENTS = EventFilter(kinds=(TicketKind.QUEUE,))
# The process's boards being read: screens of the same lines share each read.
shared_boards: SharedReads[Board] = SharedReads()


async def board_changes(
    feed: SubscriptionFeed,
    db: Database,
    workspace_id: int,
    line_ids: Sequence[int] | None,
    *,
    after_seq: int | None,
    clock: Callable[[], datetime],
) -> AsyncGenerator[Board, None]:
    """`after_seq` None: the current board first, then one after each change. A cursor: a
    board at once if anything happened after it, else at the next change. Raises what
    feed.subscribe raises (CURSOR_EXPIRED, FeedClosed)."""

    lines = None if line_ids is None else tuple(line_ids)

    async def board_now() -> Board:
        # Subscribers woken at the same head share one read; the board's own cursor is the
        # head in its snapshot (this one or later), so it says exactly what it covers.
        head = await feed.latest_seq(workspace_id)

        async def read() -> Board:
            return await read_board(db, workspace_id, lines, now=clock())

        return await shared_boards.get((workspace_id, lines, head), read)

    last_signature = None
    read_through = after_seq
    if after_seq is None:
        board = await board_now()
        last_signature, read_through = board.signature(), board.seq
        yield board
    events = feed.subscribe(workspace_id, after_seq=read_through, event_filter=_QUEUE_EVENTS)
    async with aclosing(events) as stream:
        async for event in stream:
            if read_through is not None and event.seq <= read_through:
                continue  # the last board read already covers it
            board = await board_now()
            read_through = board.seq
            if board.signature() != last_signature:
                last_signature = board.signature()
                yield board
