"""Fixtures of the webhook tests: a receiver, a desk writing events, a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.access.workspaces import NewWorkspace
from app.db.engine import Database
from app.webhooks.endpoints import EndpointRules
from app.webhooks.worker import WebhookWorker, WorkerRules
from tests.subscriptions.helpers import Desk, env_for
from tests.webhooks.receiver import Receiver

# Receivers listen on 127.0.0.1: the tests allow private addresses except where they check
# that they are refused.
LOCAL = EndpointRules(allow_private=True, rotation_grace=3600)
FAST = WorkerRules.defaults(
    retry_base=0.05, retry_max=0.2, max_failures=4, timeout=1.0, allow_private=True,
    lease=10.0, poll_interval=0.05,
)  # fmt: skip


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = await Receiver().start()
    yield server
    await server.stop()


@pytest.fixture
async def desk(db: Database, workspace: NewWorkspace) -> Desk:
    return await Desk.open(env_for(db), workspace)


@pytest.fixture
async def worker(db: Database) -> AsyncIterator[WebhookWorker]:
    running = WebhookWorker(db, None, FAST)
    await running.start()
    yield running
    await running.stop()
