"""A gateway under uvicorn on the session's database, and a desk writing through its services."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.access.workspaces import NewWorkspace
from app.config import Settings
from tests.subscriptions.helpers import Desk, Gateway


@pytest.fixture
async def gateway(database_url: str) -> AsyncIterator[Gateway]:
    gw = Gateway(Settings(database_url=database_url, poll_interval=0.5))
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


@pytest.fixture
async def desk(gateway: Gateway, workspace: NewWorkspace) -> Desk:
    """Writes with the gateway's own env (same broker): wake-ups arrive at once."""
    return await Desk.open(gateway.app.state.env, workspace)
