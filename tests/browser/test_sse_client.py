"""The graphql-sse npm client against `ticketgw serve`: it subscribes, the server is restarted
(events are written while it is down), and the client resumes with Last-Event-ID: every event
arrives once, in order (tests/browser/sse_resume.mjs)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from app.access.workspaces import NewWorkspace
from app.db.engine import Database
from tests.browser.node_tools import HERE, missing_node_tools, needs
from tests.ops.served import Served
from tests.subscriptions.helpers import Desk, env_for

pytestmark = [
    pytest.mark.anyio,
    needs(missing_node_tools()),
]

CREATE = "mutation ($l: ID!, $n: String) { createQueueTicket(input: {lineId: $l, firstName: $n}) { ticket { id } } }"  # noqa: E501


class NodeClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def next(self, timeout: float = 30) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        assert line, (await self.process.stderr.read()).decode()  # type: ignore[union-attr]
        return json.loads(line)  # type: ignore[no-any-return]


async def _create(served: Served, key: str, line_id: str, name: str) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        body = {"query": CREATE, "variables": {"l": line_id, "n": name}}
        answer = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.json()["data"]["createQueueTicket"]["ticket"], answer.text


async def test_the_client_resumes_across_a_restart_with_nothing_lost_or_repeated(
    database_url: str, workspace: NewWorkspace, tmp_path
):
    db = Database(database_url)
    desk = await Desk.open(env_for(db), workspace)  # writes while the server is down
    served = await Served(database_url, tmp_path / "serve.log").start()
    line_id = await _line_id(served, workspace.api_key)
    node = NodeClient(
        await asyncio.create_subprocess_exec(
            "node",
            str(HERE / "sse_resume.mjs"),
            f"{served.url}/graphql",
            workspace.api_key,
            "7",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=HERE,
        )
    )
    try:
        assert (await node.next()) == {"connected": 1, "reconnected": False}
        for name in ("Ann", "Bob", "Cid"):
            await _create(served, workspace.api_key, line_id, name)
        before = [await node.next() for _ in range(3)]

        await served.stop()
        for _ in range(2):
            await desk.create()  # committed while no gateway runs: only the log has them
        await served.start()
        assert (await node.next())["reconnected"] is True
        for name in ("Dee", "Eve"):
            await _create(served, workspace.api_key, line_id, name)
        after = [await node.next() for _ in range(4)]
        assert await asyncio.wait_for(node.process.wait(), 10) == 0
    finally:
        if node.process.returncode is None:
            node.process.kill()
        await served.stop()
        await db.dispose()

    events = [line["event"] for line in before + after]
    cursors = [e["cursor"] for e in events]
    assert len(set(cursors)) == 7  # none repeated
    titles = [e["ticket"]["title"] for e in events]
    assert titles[:3] == ["Ann", "Bob", "Cid"] and titles[5:] == ["Dee", "Eve"]
    assert [e["type"] for e in events] == ["CREATED"] * 7  # the two written offline included
    assert [_seq(c) for c in cursors] == sorted(_seq(c) for c in cursors)


async def _line_id(served: Served, key: str) -> str:
    async with httpx.AsyncClient(base_url=served.url) as http:
        answer = await http.post(
            "/graphql",
            json={"query": 'mutation { createLine(input: {name: "SSE"}) { line { id } } }'},
            headers={"Authorization": f"Bearer {key}"},
        )
    return str(answer.json()["data"]["createLine"]["line"]["id"])


def _seq(cursor: str) -> int:
    from app.domain.cursors import decode_event_cursor

    return decode_event_cursor(cursor)
