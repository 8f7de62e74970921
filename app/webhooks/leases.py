"""Claiming endpoints and moving their cursors, under a lease.

A process delivers an endpoint only while it holds its lease (`lease_owner`, `lease_until`);
every write of a round is conditional on still holding it and on the endpoint's `generation`
(bumped by admin changes), so a process that lost its lease, or whose view is stale, cannot move
the cursor. The claim takes rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
processes claim different endpoints without waiting on each other; on SQLite the write
transaction (BEGIN IMMEDIATE) already holds the database's one write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from sqlalchemy import CursorResult, and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import WebhookDelivery, WebhookEndpoint, Workspace, table_of
from app.db.engine import Database
from app.db.types import utcnow
from app.domain.event_filter import EventFilter
from app.webhooks.endpoints import Status
from app.webhooks.filters import filter_from_json
from app.webhooks.signing import secret_key


@dataclass
class Claim:
    """An endpoint this process holds, as it was when claimed (the cursor moves as it goes)."""

    endpoint_id: int
    workspace_id: int
    workspace_slug: str
    url: str
    keys: tuple[bytes, ...]  # the signing keys, decoded once per claim
    event_filter: EventFilter
    cursor: int
    failures: int
    generation: int


# The table itself: a Core INSERT of many rows (executemany), no ORM bulk path on top.
DELIVERY = table_of(WebhookDelivery)


class AttemptRow(TypedDict):
    """A `webhook_delivery` row, inserted as is (no ORM object: a delivery's bookkeeping is
    a share of the worker's CPU)."""

    endpoint_id: int
    event_seq: int
    event_type: str
    attempt: int
    succeeded: bool
    response_status: int | None
    error: str | None
    duration_ms: int
    at: datetime
    next_attempt_at: datetime | None


def _keys(row: WebhookEndpoint, now: datetime) -> tuple[bytes, ...]:
    if row.previous_secret and row.previous_secret_until and row.previous_secret_until > now:
        return (secret_key(row.secret), secret_key(row.previous_secret))
    return (secret_key(row.secret),)


def _held(claim: Claim, owner: str) -> Any:
    return and_(
        col(WebhookEndpoint.id) == claim.endpoint_id,
        col(WebhookEndpoint.lease_owner) == owner,
        col(WebhookEndpoint.generation) == claim.generation,
    )


def _due(now: datetime) -> Any:
    return and_(
        col(WebhookEndpoint.status) == Status.ACTIVE.value,
        col(WebhookEndpoint.enabled).is_(True),
        col(WebhookEndpoint.next_attempt_at) <= now,
        or_(
            col(WebhookEndpoint.lease_until).is_(None),
            col(WebhookEndpoint.lease_until) < now,
        ),
        col(Workspace.event_seq) > col(WebhookEndpoint.last_delivered_seq),
    )


async def deliverable_workspaces(db: Database) -> set[int]:
    """The workspaces with an endpoint that may take deliveries (active and enabled)."""
    stmt = (
        select(col(WebhookEndpoint.workspace_id))
        .where(
            col(WebhookEndpoint.status) == Status.ACTIVE.value,
            col(WebhookEndpoint.enabled).is_(True),
        )
        .distinct()
    )
    async with db.read_session() as session:
        return set((await session.execute(stmt)).scalars())


async def claim_due(db: Database, owner: str, *, limit: int, lease_seconds: float) -> list[Claim]:
    """Up to `limit` active endpoints that are due, free, and behind their workspace's log.
    A read first: an idle gateway's rounds take no write lock (SQLite has one)."""
    now = utcnow()
    joined = select(col(WebhookEndpoint.id)).join(
        Workspace, col(Workspace.id) == col(WebhookEndpoint.workspace_id)
    )
    async with db.read_session() as session:
        if (await session.execute(joined.where(_due(now)).limit(1))).first() is None:
            return []
    async with db.transaction() as session:
        stmt = (
            select(WebhookEndpoint, col(Workspace.slug))
            .join(Workspace, col(Workspace.id) == col(WebhookEndpoint.workspace_id))
            .where(_due(now))
            .order_by(col(WebhookEndpoint.next_attempt_at))
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookEndpoint)
        )
        found = list((await session.execute(stmt)).all())
        if not found:
            return []
        ids = [row.id for row, _slug in found]
        await session.execute(
            update(WebhookEndpoint)
            .where(col(WebhookEndpoint.id).in_(ids))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
        )
    return [
        Claim(
            endpoint_id=int(row.id),
            workspace_id=row.workspace_id,
            workspace_slug=slug,
            url=row.url,
            keys=_keys(row, now),
            event_filter=filter_from_json(row.filter),
            cursor=row.last_delivered_seq,
            failures=row.consecutive_failures,
            generation=row.generation,
        )
        for row, slug in found
    ]


async def _write(session: AsyncSession, claim: Claim, owner: str, **values: Any) -> bool:
    # An UPDATE's result is a CursorResult (with rowcount); Session.execute is typed Result.
    result = cast(
        "CursorResult[Any]",
        await session.execute(update(WebhookEndpoint).where(_held(claim, owner)).values(**values)),
    )
    return bool(result.rowcount)


async def record_success(
    db: Database,
    claim: Claim,
    owner: str,
    attempts: list[AttemptRow],
    cursor: int,
    *,
    lease_seconds: float,
) -> bool:
    """Acknowledged events: log their attempts, move the cursor to `cursor` (the last of them,
    or further when the filter skipped the rest), extend the lease. False when the lease or the
    generation is no longer ours (the round must stop; nothing is written)."""
    async with db.transaction() as session:
        held = await _write(
            session,
            claim,
            owner,
            last_delivered_seq=cursor,
            consecutive_failures=0,
            lease_until=utcnow() + timedelta(seconds=lease_seconds),
        )
        if held and attempts:
            await session.execute(insert(DELIVERY), attempts)
    return held


async def record_failure(
    db: Database, claim: Claim, owner: str, attempt: AttemptRow, *, status: Status
) -> bool:
    """The event was not acknowledged: log the attempt, count the failure, set the next
    attempt (or the new status), and give the lease back. False when the lease or the
    generation is no longer ours (nothing is written; the caller gives the lease back)."""
    async with db.transaction() as session:
        values: dict[str, Any] = {
            "consecutive_failures": attempt["attempt"],
            "status": status.value,
            "lease_owner": None,
            "lease_until": None,
        }
        if attempt["next_attempt_at"] is not None:
            values["next_attempt_at"] = attempt["next_attempt_at"]
        held = await _write(session, claim, owner, **values)
        if held:  # else the endpoint was changed or deleted meanwhile: its history starts anew
            await session.execute(insert(DELIVERY), [attempt])
    return held


async def release(db: Database, claim: Claim, owner: str) -> None:
    """Give the lease back (whatever the generation: an admin change needs the endpoint free)."""
    async with db.transaction() as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(
                col(WebhookEndpoint.id) == claim.endpoint_id,
                col(WebhookEndpoint.lease_owner) == owner,
            )
            .values(lease_owner=None, lease_until=None)
        )
