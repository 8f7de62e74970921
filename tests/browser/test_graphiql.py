"""GraphiQL in headless Chromium against `ticketgw serve`, with no request leaving the machine:
a query, a mutation and a subscription run through the UI (tests/browser/graphiql.mjs).
Screenshots go to tests/browser/screenshots/ (the test prints the path)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from app.services.workspaces import NewWorkspace
from tests.ops.served import Served

pytestmark = pytest.mark.anyio

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return "run `npm install` in tests/browser"
    return None


@pytest.mark.skipif(_missing() is not None, reason=str(_missing()))
async def test_graphiql_runs_query_mutation_and_subscription_offline(
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
    results = summary["results"]
    assert results["1-query"]["data"]["viewer"] == {"role": "ADMIN"}
    assert results["2-mutation"]["data"]["createLine"]["line"]["name"] == "Browser desk"
    event = results["3-subscription"]["data"]["ticketEvents"]
    assert (event["type"], event["ticket"]["id"]) == ("CREATED", summary["createdTicket"])
    assert [Path(p).name for p in summary["screenshots"]] == [
        "1-query.png",
        "2-mutation.png",
        "3-subscription.png",
    ]
