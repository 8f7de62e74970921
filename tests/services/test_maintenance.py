"""Background housekeeping: pruning makes old cursors expire; due snoozes wake."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db.types import utcnow
from app.domain.errors import DomainError, ErrorCode
from app.live.event_log import read_events
from app.live.service_env import ServiceEnv
from app.tickets.maintenance import Maintenance, prune_events
from tests.services.feed_helpers import write_events

pytestmark = pytest.mark.anyio


async def test_prune_deletes_old_events_and_expires_their_cursors(db, workspace):
    env = ServiceEnv(db)
    ws = workspace.workspace.id
    await write_events(env, ws, 3)
    pruned = await prune_events(env, older_than=utcnow() + timedelta(seconds=1), workspace_id=ws)
    assert pruned == 3
    with pytest.raises(DomainError) as refused:
        await read_events(db, ws, after_seq=0)
    assert refused.value.code == ErrorCode.CURSOR_EXPIRED
    # The newest cursor still works, and later events keep counting from it.
    await write_events(env, ws, 2)
    assert [e.seq for e in await read_events(db, ws, after_seq=3)] == [4, 5]


async def test_prune_keeps_recent_events(db, workspace):
    env = ServiceEnv(db)
    ws = workspace.workspace.id
    await write_events(env, ws, 2)
    assert await prune_events(env, older_than=utcnow() - timedelta(days=1), workspace_id=ws) == 0
    assert [e.seq for e in await read_events(db, ws, after_seq=0)] == [1, 2]


async def test_maintenance_run_prunes_only_with_retention(db, workspace):
    env = ServiceEnv(db)
    ws = workspace.workspace.id
    await write_events(env, ws, 2)
    await Maintenance(env, retention_days=0).run_once()
    assert len(await read_events(db, ws, after_seq=0)) == 2
