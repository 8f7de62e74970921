"""Line statistics (Line.stats) and call estimates (QueueTicket.estimatedCallAt / Range): the
GraphQL side of app/floor. Rules and SQL live there; these resolvers only read loaders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.context import Info
from app.floor import clock
from app.floor.estimates import Estimate, estimate
from app.floor.loaders import floor_loaders
from app.floor.stats import MAX_PERIOD, start_of_local_day
from app.floor.stats import LineStats as Stats
from app.loaders.directory import workspace_row
from schema.errors import bad_user_input

SINCE = (
    "Start of the period (UTC or with an offset), at most 31 days ago; null: midnight today in "
    "the workspace's time zone. Counts and times cover calls, services and no-shows since."
)


@strawberry.type(description="How a line did over a period, from its event log.")
class LineStats:
    waiting: int = strawberry.field(description="Tickets waiting (NEW) in the line now.")
    called: int = strawberry.field(description="Calls in the period (recalls not counted).")
    served: int = strawberry.field(description="Tickets marked SERVED in the period.")
    no_shows: int = strawberry.field(description="Tickets marked NOSHOW in the period.")
    median_wait_seconds: float | None = strawberry.field(
        description=(
            "Median wait of the period's calls: from entering the line (created, moved or "
            "returned to it) to the call, in seconds (nearest rank); null when none."
        )
    )
    p90_wait_seconds: float | None = strawberry.field(
        description="90th percentile of those waits, in seconds (nearest rank); null when none."
    )
    median_service_seconds: float | None = strawberry.field(
        description=(
            "Median time from a call to SERVED over the period's services, in seconds "
            "(nearest rank); null when none."
        )
    )
    no_show_rate: float | None = strawberry.field(
        description="noShows / (served + noShows), 0..1; null when neither happened."
    )
    active_desks: int = strawberry.field(
        description=(
            "Desks that called a ticket of the line in the period (a call with no desk counts "
            "its clerk as one)."
        )
    )

    @classmethod
    def from_stats(cls, stats: Stats) -> LineStats:
        return cls(
            waiting=stats.waiting,
            called=stats.called,
            served=stats.served,
            no_shows=stats.no_shows,
            median_wait_seconds=stats.median_wait_seconds,
            p90_wait_seconds=stats.p90_wait_seconds,
            median_service_seconds=stats.median_service_seconds,
            no_show_rate=stats.no_show_rate,
            active_desks=stats.active_desks,
        )


@strawberry.type(description="A span of time: an estimate's likely earliest and latest moments.")
class TimeRange:
    earliest: datetime = strawberry.field(description="The start of the range (UTC).")
    latest: datetime = strawberry.field(description="The end of the range (UTC).")


async def line_stats(info: Info, line_id: int, since: datetime | None) -> LineStats:
    ctx = info.context
    now = clock.now()
    if since is None:
        workspace = await workspace_row(ctx.db, ctx.workspace_id)
        since = start_of_local_day(now, workspace.timezone if workspace else "UTC")
    elif since.tzinfo is None or since < now - MAX_PERIOD:
        raise bad_user_input("'since' must have a time zone and be at most 31 days ago.")
    stats = await floor_loaders(ctx.loaders).line_stats.load((line_id, since))
    return LineStats.from_stats(stats)


async def ticket_estimate(info: Info, ticket: Any) -> Estimate | None:
    """The estimate of a waiting ticket; None when it is not waiting or the line has too
    little recent service."""
    if ticket.line_id is None:
        return None
    loaders = info.context.loaders
    position = await loaders.queue_position.load(ticket.id)
    if position is None:
        return None
    rate = await floor_loaders(loaders).service_rate.load(ticket.line_id)
    return estimate(rate, position) if rate is not None else None
