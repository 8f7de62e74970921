"""The queue board (Query.queueBoard, Subscription.queueBoardChanged): what a TV in the
waiting room shows. Built whole from app/floor/board.py; no field reads anything else."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.domain.cursors import encode_event_cursor
from app.floor import board as floor
from schema.ids import TICKET, encode_id

DISPLAY_NAME = (
    "The visitor as a board may show them: the first name and the last name's initial (\"Mari "
    'T."); null when neither was given. Boards never show phone numbers, emails or last names.'
)


@strawberry.type(description="A line on a board: how many wait, and how long a newcomer waits.")
class BoardLine:
    id: strawberry.ID = strawberry.field(description="The line's global ID (`Line.id`).")
    name: str = strawberry.field(description="The line's name.")
    waiting_count: int = strawberry.field(description="Tickets waiting (NEW) in the line now.")
    estimated_wait_seconds: int | None = strawberry.field(
        description=(
            "How long a visitor who takes a ticket now is expected to wait, in seconds (the "
            "model of `QueueTicket.estimatedCallAt`); null while the line has too little "
            "recent service to tell."
        )
    )


@strawberry.type(description="A called or waiting ticket as a public board shows it.")
class BoardTicket:
    id: strawberry.ID = strawberry.field(
        description="The ticket's global ID: tells boards which call is new."
    )
    public_id: str | None = strawberry.field(description='What the visitor holds, e.g. "A-42".')
    number: int | None = strawberry.field(description="The ticket's number in its line.")
    display_name: str | None = strawberry.field(description=DISPLAY_NAME)
    line: BoardLine = strawberry.field(description="The line it is in (one of the board's).")
    desk: int | None = strawberry.field(
        description="Called tickets: the desk to go to (null when not told); null while waiting."
    )
    called_at: datetime | None = strawberry.field(
        description="Called tickets: when they were (last) called (UTC); null while waiting."
    )
    position: int | None = strawberry.field(
        description="Waiting tickets: the 1-based place in the line; null for called ones."
    )
    estimated_call_at: datetime | None = strawberry.field(
        description=(
            "Waiting tickets: when they are expected to be called (`QueueTicket."
            "estimatedCallAt`); null for called ones and while there is too little data."
        )
    )


@strawberry.type(description="Everything a queue board shows, as of one event log position.")
class QueueBoard:
    cursor: str = strawberry.field(
        description=(
            "The event log position this board is as of: pass it as `after` to "
            "queueBoardChanged to resume (the same cursors as `TicketEvent.cursor`)."
        )
    )
    lines: list[BoardLine] = strawberry.field(description="The board's lines, by ID.")
    called: list[BoardTicket] = strawberry.field(
        description="The tickets called now (status CALLED), latest call first, at most 12."
    )
    waiting: list[BoardTicket] = strawberry.field(
        description=(
            "The waiting tickets (NEW) in the order they will be called across the board's "
            "lines, at most 50 per line."
        )
    )

    @classmethod
    def from_board(cls, board: floor.Board) -> QueueBoard:
        lines = {
            line.id: BoardLine(
                id=strawberry.ID(encode_id("Line", line.id)),
                name=line.name,
                waiting_count=line.waiting_count,
                estimated_wait_seconds=line.estimated_wait_seconds,
            )
            for line in board.lines
        }

        def ticket(row: floor.BoardTicket) -> BoardTicket:
            return BoardTicket(
                id=strawberry.ID(encode_id(TICKET, row.id)),
                public_id=row.public_id,
                number=row.number,
                display_name=row.display_name,
                line=lines[row.line_id],
                desk=row.desk,
                called_at=row.called_at,
                position=row.position,
                estimated_call_at=row.estimated_call_at,
            )

        return cls(
            cursor=encode_event_cursor(board.seq),
            lines=list(lines.values()),
            called=[ticket(row) for row in board.called],
            waiting=[ticket(row) for row in board.waiting],
        )
