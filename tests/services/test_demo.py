"""The demo: both workspaces get tickets in every status, with history, the same each time."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.access.workspaces import authenticate
from app.db import Interaction, Message, Ticket, TicketEvent
from app.db.types import utcnow
from app.demo.seed import load_demo
from app.domain.errors import DomainError, ErrorCode
from app.live.service_env import ServiceEnv

pytestmark = pytest.mark.anyio


async def status_counts(db, workspace_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Raw statuses, with spam and trashed helpdesk tickets counted apart."""
    async with db.read_session() as session:
        stmt = (
            select(Ticket.status, Ticket.spam, Ticket.trashed_at.is_not(None), func.count())
            .where(  # type: ignore[union-attr]
                Ticket.workspace_id == workspace_id
            )
            .group_by(Ticket.status, Ticket.spam, Ticket.trashed_at.is_not(None))
        )  # type: ignore[union-attr]
        counts: dict[str, int] = {}
        for status, spam, trashed, n in (await session.execute(stmt)).all():
            key = "spam" if spam else "trashed" if trashed else status
            counts[key] = counts.get(key, 0) + n
    return counts


async def fingerprint(db, workspace_id: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    async with db.read_session() as session:
        stmt = (
            select(Ticket.kind, Ticket.status, Ticket.public_id, Ticket.title, Ticket.version)
            .where(Ticket.workspace_id == workspace_id)
            .order_by(Ticket.id)
        )
        return [tuple(row) for row in (await session.execute(stmt)).all()]


async def test_demo_has_every_status_in_both_workspaces_with_history(db):
    suffix = f"-{uuid.uuid4().hex[:6]}"
    loaded = await load_demo(ServiceEnv(db), slug_suffix=suffix)
    assert [w.slug for w in loaded] == [f"acme{suffix}", f"globex{suffix}"]
    every = {"NEW", "CALLED", "SERVED", "NOSHOW", "CANCELLED_BY_CLERK",
             "OPEN", "ONGOING", "SNOOZED", "CLOSED", "spam", "trashed"}  # fmt: skip
    for demo in loaded:
        counts = await status_counts(db, demo.id)
        assert set(counts) == every and all(n > 0 for n in counts.values()), counts
        assert 390 <= sum(counts.values()) <= 410
        assert set(demo.webhook_secrets) == {"qminder", "gorgias", "zaia"}
        principal = await authenticate(db, demo.api_key)
        assert principal is not None and principal.workspace_id == demo.id
        async with db.read_session() as session:
            for model in (TicketEvent, Message, Interaction):
                stmt = select(func.count()).select_from(model).where(model.workspace_id == demo.id)
                assert (await session.execute(stmt)).scalar_one() > 300
    with pytest.raises(DomainError) as info:
        await load_demo(ServiceEnv(db), slug_suffix=suffix)
    assert info.value.code == ErrorCode.CONFLICT


async def test_demo_is_deterministic(db):
    # The same clock for both: queue numbers start again each local day, and a ticket a second
    # either side of a workspace's midnight would number its day differently.
    now = utcnow()

    def load():  # type: ignore[no-untyped-def]
        suffix = f"-{uuid.uuid4().hex[:6]}"
        return load_demo(ServiceEnv(db), seed=3, slug_suffix=suffix, scale=0.2, now=now)

    first, second = await load(), await load()
    for a, b in zip(first, second, strict=True):
        assert await fingerprint(db, a.id) == await fingerprint(db, b.id)
