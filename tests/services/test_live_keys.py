"""LiveKeys: a live key is looked up once per `ttl`; a revocation by this process takes effect
at once, one made elsewhere within `ttl`; unknown keys are looked up every time."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import update

from app.access.live_keys import LiveKeys
from app.access.workspaces import principal_of_key_hash, revoke_api_key
from app.db import ApiKey
from app.db.engine import Database, StatementCounter, statement_counter
from app.db.types import utcnow

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def live_keys(db: Database, clock: Clock) -> LiveKeys:
    return LiveKeys(partial(principal_of_key_hash, db), ttl=2.0, clock=clock)


async def statements_for(keys: LiveKeys, key: str) -> tuple[object, int]:
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        principal = await keys.principal(key)
    finally:
        statement_counter.reset(token)
    return principal, counter.count


async def test_a_live_key_is_looked_up_once_per_ttl(db, workspace):
    clock = Clock()
    keys = live_keys(db, clock)

    first, looked_up = await statements_for(keys, workspace.api_key)
    clock.now += 1.9
    again, looked_up_again = await statements_for(keys, workspace.api_key)
    clock.now += 0.2
    later, looked_up_later = await statements_for(keys, workspace.api_key)

    assert first is not None and first.workspace_id == workspace.workspace.id
    assert again == later == first
    assert (looked_up, looked_up_again, looked_up_later) == (1, 0, 1)


async def test_a_key_revoked_elsewhere_is_refused_within_the_ttl(db, workspace):
    clock = Clock()
    keys = live_keys(db, clock)
    principal = await keys.principal(workspace.api_key)
    assert principal is not None
    # Another process (the CLI, another worker) revokes it: this one is not told.
    async with db.transaction() as session:
        await session.execute(
            update(ApiKey).where(ApiKey.id == principal.key_id).values(revoked_at=utcnow())
        )

    clock.now += 1.0
    assert await keys.principal(workspace.api_key) == principal  # within the ttl
    clock.now += 1.0
    assert await keys.principal(workspace.api_key) is None


async def test_a_key_revoked_by_this_process_is_refused_at_once(db, workspace):
    keys = live_keys(db, Clock())
    principal = await keys.principal(workspace.api_key)
    assert principal is not None

    await revoke_api_key(db, workspace_id=principal.workspace_id, key_id=principal.key_id)

    assert await keys.principal(workspace.api_key) is None


async def test_unknown_keys_are_looked_up_every_time(db):
    keys = live_keys(db, Clock())
    results = [await statements_for(keys, "tgw_not-a-key") for _ in range(3)]
    assert results == [(None, 1)] * 3
