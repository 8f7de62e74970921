"""The admin commands of outbound webhooks: create, update, delete, rotate the secret, resume,
redeliver, and the reads behind Query.webhookEndpoints. Every command is scoped to a workspace:
another workspace's endpoint is NOT_FOUND, like an unknown one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import WebhookDelivery, WebhookEndpoint, Workspace
from app.db.engine import Database
from app.db.types import utcnow
from app.domain.cursors import decode_event_cursor
from app.domain.errors import DomainError, ErrorCode, not_found, validation
from app.domain.event_filter import EventFilter
from app.webhooks.addresses import check_url
from app.webhooks.filters import filter_to_json
from app.webhooks.signing import generate_secret

MAX_DESCRIPTION = 500
MAX_ENDPOINTS_PER_WORKSPACE = 100


class Status(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"  # after too many consecutive failures; resume continues from the cursor
    DISABLED = "DISABLED"  # the receiver answered 410 Gone


@dataclass(frozen=True)
class EndpointRules:
    """What the commands need from Settings."""

    allow_private: bool = False
    rotation_grace: float = 86_400.0


def _description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise validation(f"A description is at most {MAX_DESCRIPTION} characters.", "description")
    return text


async def _owned(session: AsyncSession, workspace_id: int, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint, locked for this transaction (PostgreSQL); NOT_FOUND unless it is the
    workspace's."""
    stmt = select(WebhookEndpoint).where(
        col(WebhookEndpoint.id) == endpoint_id, col(WebhookEndpoint.workspace_id) == workspace_id
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise not_found("Webhook endpoint")
    return row


async def create_endpoint(
    db: Database,
    rules: EndpointRules,
    *,
    workspace_id: int,
    url: str,
    event_filter: EventFilter,
    description: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its secret in clear (the only time it is shown). It receives the
    events committed after it was made."""
    await check_url(url, allow_private=rules.allow_private)
    text = _description(description)
    async with db.transaction() as session:
        workspace = (
            await session.execute(select(Workspace).where(col(Workspace.id) == workspace_id))
        ).scalar_one()
        count = len(
            (
                await session.execute(
                    select(col(WebhookEndpoint.id)).where(
                        col(WebhookEndpoint.workspace_id) == workspace_id
                    )
                )
            ).all()
        )
        if count >= MAX_ENDPOINTS_PER_WORKSPACE:
            raise validation(
                f"A workspace has at most {MAX_ENDPOINTS_PER_WORKSPACE} webhook endpoints.", "url"
            )
        secret = generate_secret()
        row = WebhookEndpoint(
            workspace_id=workspace_id,
            url=url,
            description=text,
            filter=filter_to_json(event_filter),
            secret=secret,
            last_delivered_seq=workspace.event_seq,
        )
        session.add(row)
    return row, secret


async def update_endpoint(
    db: Database,
    rules: EndpointRules,
    *,
    workspace_id: int,
    endpoint_id: int,
    url: str | None = None,
    event_filter: EventFilter | None = None,
    enabled: bool | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change what is given; null leaves a field as it is."""
    if url is not None:
        await check_url(url, allow_private=rules.allow_private)
    text = None if description is None else _description(description)
    async with db.transaction() as session:
        row = await _owned(session, workspace_id, endpoint_id)
        if url is not None:
            row.url = url
        if event_filter is not None:
            row.filter = filter_to_json(event_filter)
        if enabled is not None:
            row.enabled = enabled
            row.next_attempt_at = utcnow()
        if text is not None:
            row.description = text
        row.generation += 1  # a round in progress re-reads the endpoint
    return row


async def delete_endpoint(db: Database, *, workspace_id: int, endpoint_id: int) -> WebhookEndpoint:
    async with db.transaction() as session:
        row = await _owned(session, workspace_id, endpoint_id)
        await session.execute(
            delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id)
        )
        await session.delete(row)
    return row


async def rotate_secret(
    db: Database, rules: EndpointRules, *, workspace_id: int, endpoint_id: int
) -> tuple[WebhookEndpoint, str]:
    """A new secret, in clear once; the old one keeps signing for the grace period so
    receivers can switch without losing a delivery."""
    async with db.transaction() as session:
        row = await _owned(session, workspace_id, endpoint_id)
        secret = generate_secret()
        row.previous_secret = row.secret
        row.previous_secret_until = utcnow() + timedelta(seconds=rules.rotation_grace)
        row.secret = secret
    return row, secret


async def resume_endpoint(db: Database, *, workspace_id: int, endpoint_id: int) -> WebhookEndpoint:
    """PAUSED or DISABLED back to ACTIVE: delivery goes on after the last acknowledged event."""
    async with db.transaction() as session:
        row = await _owned(session, workspace_id, endpoint_id)
        row.status = Status.ACTIVE.value
        row.consecutive_failures = 0
        row.next_attempt_at = utcnow()
        row.generation += 1
    return row


async def redeliver(
    db: Database, *, workspace_id: int, endpoint_id: int, after: str | None
) -> WebhookEndpoint:
    """Send again every matching event after the cursor `after` (from the oldest kept event
    when null): the endpoint's cursor moves back there."""
    try:
        seq = 0 if after is None else decode_event_cursor(after)
    except DomainError:
        raise validation("The cursor is not a valid event cursor.", "after") from None
    async with db.transaction() as session:
        row = await _owned(session, workspace_id, endpoint_id)
        workspace = (
            await session.execute(select(Workspace).where(col(Workspace.id) == workspace_id))
        ).scalar_one()
        if after is not None and seq < workspace.events_pruned_through:
            raise DomainError(
                ErrorCode.CURSOR_EXPIRED,
                "The cursor is older than the event log's retention.",
                "after",
            )
        if seq > workspace.event_seq:
            raise validation("The cursor is past the newest event.", "after")
        row.last_delivered_seq = max(seq, workspace.events_pruned_through)
        row.consecutive_failures = 0
        row.next_attempt_at = utcnow()
        row.generation += 1
    return row


async def list_endpoints(db: Database, workspace_id: int) -> list[WebhookEndpoint]:
    async with db.read_session() as session:
        stmt = (
            select(WebhookEndpoint)
            .where(col(WebhookEndpoint.workspace_id) == workspace_id)
            .order_by(col(WebhookEndpoint.id))
        )
        return list((await session.execute(stmt)).scalars())


async def prune_deliveries(db: Database, *, older_than: datetime) -> int:
    """Forget delivery attempts made before `older_than`; how many were deleted."""
    async with db.transaction() as session:
        # A DELETE's result is a CursorResult (with rowcount); Session.execute is typed Result.
        result = cast(
            "CursorResult[Any]",
            await session.execute(
                delete(WebhookDelivery).where(col(WebhookDelivery.at) < older_than)
            ),
        )
    return int(result.rowcount or 0)
