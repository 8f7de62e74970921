"""Outbound webhook deliveries verified by the npm `standardwebhooks` package (a JavaScript
receiver's view), one of them signed during a secret rotation (two signatures). The receiver,
desk and worker fixtures are tests/webhooks' (tests/browser/conftest.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.domain.event_filter import EventFilter
from app.webhooks import endpoints
from tests.browser.node_tools import HERE, missing_node_tools, needs
from tests.webhooks.conftest import LOCAL

pytestmark = [pytest.mark.anyio, needs(missing_node_tools())]


async def _verified(path, secret: str) -> list[dict]:
    node = await asyncio.create_subprocess_exec(
        "node", str(HERE / "verify_webhooks.mjs"), str(path), secret,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(node.communicate(), 30)
    assert node.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines()]


async def test_the_npm_verifier_accepts_our_deliveries(
    db, workspace, desk, receiver, worker, tmp_path
):
    endpoint, old = await endpoints.create_endpoint(
        db, LOCAL, workspace_id=workspace.workspace.id, url=receiver.url(),
        event_filter=EventFilter(),
    )  # fmt: skip
    await desk.status_changes(3)
    await receiver.wait_for(lambda: len(receiver.received) >= 3)
    _, new = await endpoints.rotate_secret(
        db, LOCAL, workspace_id=workspace.workspace.id, endpoint_id=endpoint.id
    )
    await desk.status_changes(1)
    await receiver.wait_for(lambda: len(receiver.received) >= 4)
    recorded = tmp_path / "deliveries.json"
    recorded.write_text(
        json.dumps([{"body": r.body.decode(), "headers": r.headers} for r in receiver.received])
    )
    ids = [r.headers["webhook-id"] for r in receiver.received]
    by_old = await _verified(recorded, old)
    assert by_old == [
        {"id": ids[0], "type": "CREATED", "verified": True, "tamperedRefused": True},
        {"id": ids[1], "type": "CALLED", "verified": True, "tamperedRefused": True},
        {"id": ids[2], "type": "SERVED", "verified": True, "tamperedRefused": True},
        {"id": ids[3], "type": "CREATED", "verified": True, "tamperedRefused": True},
    ]
    by_new = await _verified(recorded, new)
    assert [d["verified"] for d in by_new] == [False, False, False, True]
