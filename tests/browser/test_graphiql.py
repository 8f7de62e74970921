"""GraphiQL in headless Chromium against `ticketgw serve`, with no request leaving the machine:
a query, the explorer plugin, a mutation, and a subscription showing live results over the
WebSocket and over SSE (tests/browser/graphiql.mjs), under the page's strict CSP.
Screenshots go to tests/browser/screenshots/ (the test prints the path)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.access.workspaces import NewWorkspace
from tests.browser.node_tools import HERE, missing_browser, needs
from tests.ops.served import Served

pytestmark = [
    pytest.mark.anyio,
    needs(missing_browser()),
]

SCREENSHOTS = HERE / "screenshots"


async def test_graphiql_works_offline_over_both_subscription_transports(
    database_url: str, workspace: NewWorkspace, tmp_path
):
    served = await Served(database_url, tmp_path / "serve.log").start()
    try:
        node = await asyncio.create_subprocess_exec(
            "node",
            str(HERE / "graphiql.mjs"),
            served.url,
            workspace.api_key,
            str(SCREENSHOTS),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=HERE,
        )
        out, err = await asyncio.wait_for(node.communicate(), 120)
    finally:
        await served.stop()
    assert node.returncode == 0, (out + err).decode()[-3000:]
    summary = json.loads(out.decode().strip().splitlines()[-1])
    print(f"\nGraphiQL screenshots: {SCREENSHOTS}")
    assert summary["offMachine"] == []
    assert summary["consoleErrors"] == []  # a CSP violation would be one
    results = summary["results"]
    assert results["1-query"]["data"]["viewer"] == {"role": "ADMIN"}
    assert "tickets" in summary["explorer"] and "viewer" in summary["explorer"]
    assert results["3-mutation"]["data"]["createLine"]["line"]["name"] == "Browser desk"
    for name in ("4-subscription-ws", "5-subscription-sse"):
        event = results[name]["data"]["ticketEvents"]
        assert (event["type"], event["ticket"]["id"]) == ("CREATED", summary[f"{name}Ticket"])
    assert summary["websockets"] >= 1 and summary["eventStreams"] == 1
    assert [Path(p).name for p in summary["screenshots"]] == [
        "1-query.png",
        "2-explorer.png",
        "3-mutation.png",
        "4-subscription-ws.png",
        "5-subscription-sse.png",
    ]
