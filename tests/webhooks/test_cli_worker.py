"""`ticketgw webhooks run`: the worker as its own process, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from app.access.workspaces import create_workspace
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.event_filter import EventFilter
from app.webhooks import endpoints
from tests.subscriptions.helpers import Desk, env_for
from tests.webhooks.conftest import LOCAL
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.anyio


async def test_webhooks_run_delivers_and_stops_on_sigterm(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'hooks.db'}"
    await asyncio.to_thread(migrate, url)
    db = Database(url)
    receiver = await Receiver().start()
    env = dict(
        os.environ, TICKETGW_DATABASE_URL=url, TICKETGW_WEBHOOK_ALLOW_PRIVATE="1",
        TICKETGW_POLL_INTERVAL="0.1",
    )  # fmt: skip
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "webhooks", "run"], env=env, stderr=log
        )
    try:
        ws = await create_workspace(db, name="CLI", slug="cli-hooks")
        await endpoints.create_endpoint(
            db, LOCAL, workspace_id=ws.workspace.id, url=receiver.url(), event_filter=EventFilter()
        )
        desk = await Desk.open(env_for(db), ws)
        await desk.status_changes(3)
        await receiver.wait_for(lambda: len(receiver.received) >= 3)
        assert [r.json["type"] for r in receiver.received] == ["CREATED", "CALLED", "SERVED"]
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(worker.wait, 15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        await receiver.stop()
        await db.dispose()
