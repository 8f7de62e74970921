"""Housekeeping the server runs in the background: wake due snoozed tickets, prune old events.

Both are safe to run from several processes at once: they re-check under the workspace lock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlmodel import col

from app.background import Periodic
from app.db import TicketEvent, Workspace
from app.db.types import utcnow
from app.live.service_env import ServiceEnv
from app.tickets.helpdesk import wake_due_tickets
from app.tickets.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


async def prune_events(
    env: ServiceEnv, *, older_than: datetime, workspace_id: int | None = None
) -> int:
    """Delete events older than `older_than` (of one workspace, or all); cursors at or below
    them become CURSOR_EXPIRED."""
    async with env.db.read_session() as session:
        stmt = (
            select(col(TicketEvent.workspace_id), func.max(col(TicketEvent.seq)))
            .where(col(TicketEvent.at) < older_than)
            .group_by(col(TicketEvent.workspace_id))
        )
        if workspace_id is not None:
            stmt = stmt.where(col(TicketEvent.workspace_id) == workspace_id)
        cutoffs = list((await session.execute(stmt)).all())
    pruned = 0
    for ws_id, through_seq in cutoffs:
        async with unit_of_work(env, ws_id, None) as uow:
            # A DELETE's result is a CursorResult (with rowcount); Session.execute is typed Result.
            result = cast(
                "CursorResult[Any]",
                await uow.session.execute(
                    delete(TicketEvent).where(
                        col(TicketEvent.workspace_id) == ws_id, col(TicketEvent.seq) <= through_seq
                    )
                ),
            )
            await uow.session.execute(
                update(Workspace)
                .where(
                    col(Workspace.id) == ws_id, col(Workspace.events_pruned_through) < through_seq
                )
                .values(events_pruned_through=through_seq)
            )
            pruned += result.rowcount or 0
    return pruned


class Maintenance(Periodic):
    """A background task: wakes snoozed tickets every `interval` seconds, prunes hourly."""

    task_name = "ticketgw-maintenance"
    failure = "maintenance run failed"

    def __init__(self, env: ServiceEnv, *, interval: float = 5.0, retention_days: int = 0) -> None:
        super().__init__(interval=interval, log=log)
        self.env = env
        self.retention_days = retention_days
        self._last_prune: datetime | None = None

    async def run_once(self) -> None:
        await wake_due_tickets(self.env)
        now = utcnow()
        due = self._last_prune is None or now - self._last_prune > timedelta(hours=1)
        if self.retention_days > 0 and due:
            self._last_prune = now
            await prune_events(self.env, older_than=now - timedelta(days=self.retention_days))
