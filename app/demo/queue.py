"""The demo's queue tickets: a few days of visitors, each taken through the real commands.

Every random choice is drawn while planning, so a seed gives the same tickets every time.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db import Line
from app.demo import cast as data
from app.domain.enums import QueuePosition, TicketSource
from app.tickets.assignment import apply_assign
from app.tickets.extras import ExtraValue
from app.tickets.messages import apply_add_message
from app.tickets.queue import (
    apply_cancel_ticket,
    apply_create_queue_ticket,
    apply_move_ticket,
    apply_reorder_ticket,
    apply_return_to_queue,
)
from app.tickets.queue_desk import apply_call, apply_mark_no_show, apply_mark_served, apply_recall
from app.tickets.unit_of_work import UnitOfWork

Step = Callable[[UnitOfWork], Awaitable[None]]

# How the stories end: finished ones over the past days, waiting ones in the last 90 minutes.
FINISHED = {"served": 118, "returned": 10, "moved": 10, "no_show": 20, "cancelled": 18}
WAITING = {
    "new": 12,
    "reordered": 2,
    "returned_first": 2,
    "moved_new": 2,
    "called": 4,
    "recalled": 2,
}


@dataclass(frozen=True)
class Cast:
    workspace_id: int
    admin_id: int
    user_ids: list[int]
    lines: list[Line]
    team_ids: list[int]


@dataclass(frozen=True)
class Visit:
    ending: str
    created: datetime
    line: Line
    other_line: Line
    first_name: str
    last_name: str
    language: str
    source: TicketSource
    labels: tuple[str, ...]
    extra: tuple[ExtraValue, ...]
    clerk: int
    desk: int
    wait: timedelta
    service: timedelta
    sms: bool
    assignee: int | None


def scaled(counts: dict[str, int], scale: float) -> list[str]:
    """Each ending `count * scale` times, at least once."""
    return [e for e, n in counts.items() for _ in range(max(1, round(n * scale)))]


def plan_visits(
    rng: random.Random, cast: Cast, now: datetime, *, scale: float = 1.0, days: int = 3
) -> list[Step]:
    endings = scaled(FINISHED, scale)
    waiting = scaled(WAITING, scale)
    rng.shuffle(endings)
    rng.shuffle(waiting)
    span = timedelta(days=days) - timedelta(hours=2)
    times = sorted(now - timedelta(days=days) + span * rng.random() for _ in endings)
    times += sorted(now - timedelta(minutes=rng.randint(8, 90)) for _ in waiting)
    return [_story(_visit(rng, cast, e, t)) for e, t in zip(endings + waiting, times, strict=True)]


def _visit(rng: random.Random, cast: Cast, ending: str, created: datetime) -> Visit:
    line, other = rng.sample(cast.lines, 2) if len(cast.lines) > 1 else (cast.lines[0],) * 2
    n_labels = rng.choice((0, 0, 0, 1, 1, 2))
    extra: tuple[ExtraValue, ...] = ()
    if rng.random() < 0.25:
        title = rng.choice(data.EXTRA_TITLES)
        extra = (ExtraValue(title, f"{rng.randint(10000, 99999)}", None),)
    waiting = ending in WAITING
    return Visit(
        ending=ending,
        created=created,
        line=line,
        other_line=other,
        first_name=rng.choice(data.FIRST_NAMES),
        last_name=rng.choice(data.LAST_NAMES),
        language=rng.choice(data.LANGUAGES),
        source=rng.choice((TicketSource.MANUAL, TicketSource.NAME, TicketSource.MICROSITE)),
        labels=tuple(name for name, _ in rng.sample(data.QUEUE_LABELS, n_labels)),
        extra=extra,
        clerk=rng.choice(cast.user_ids),
        desk=rng.randint(1, 6),
        wait=timedelta(minutes=rng.randint(1, 6 if waiting else 40)),
        service=timedelta(minutes=rng.randint(2, 25)),
        sms=rng.random() < 0.2,
        assignee=rng.choice(cast.user_ids) if rng.random() < 0.15 else None,
    )


def _story(v: Visit) -> Step:
    async def run(uow: UnitOfWork) -> None:
        uow.now, uow.actor_id = v.created, None  # the visitor takes a ticket at the kiosk
        ticket = await apply_create_queue_ticket(
            uow,
            line=v.line,
            first_name=v.first_name,
            last_name=v.last_name,
            source=v.source,
            language_code=v.language,
            labels=v.labels,
            extra=v.extra,
            created_at=v.created,
        )
        uow.actor_id = v.clerk
        if v.assignee is not None:
            await apply_assign(uow, ticket, assignee_id=v.assignee)
        if v.ending == "cancelled":
            uow.now += v.wait
            await apply_cancel_ticket(uow, ticket)
            return
        if v.ending in ("moved", "moved_new"):
            uow.now += v.wait / 2
            await apply_move_ticket(uow, ticket, line=v.other_line)
            if v.ending == "moved_new":
                return
        if v.ending == "reordered":
            uow.now += v.wait / 2
            await apply_reorder_ticket(uow, ticket, position=QueuePosition.FIRST)
            return
        if v.ending == "new":
            return
        uow.now += v.wait
        await apply_call(uow, ticket, user_id=v.clerk, desk=v.desk, keep_previous=True)
        if v.sms:
            body = data.SMS_LINES[1].format(desk=v.desk)
            await apply_add_message(uow, ticket, body=body, direction="OUTGOING", author_id=v.clerk)
        if v.ending in ("recalled", "no_show"):
            uow.now += timedelta(minutes=1)
            await apply_recall(uow, ticket, user_id=v.clerk)
        if v.ending in ("returned", "returned_first"):
            uow.now += timedelta(minutes=2)
            await apply_return_to_queue(uow, ticket, position=QueuePosition.FIRST)
            if v.ending == "returned_first":
                return
            uow.now += v.wait
            await apply_call(uow, ticket, user_id=v.clerk, desk=v.desk, keep_previous=True)
        if v.ending in ("called", "recalled"):
            return
        uow.now += v.service
        if v.ending == "no_show":
            await apply_mark_no_show(uow, ticket, user_id=v.clerk)
        else:
            await apply_mark_served(uow, ticket, user_id=v.clerk)

    return run
