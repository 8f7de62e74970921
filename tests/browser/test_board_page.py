"""GET /board in headless Chromium against `ticketgw serve` with a DISPLAY key: calls appear
within 2 s, large, with their desk, highlighted and announced; the server is stopped and
started again and the page resumes by itself (tests/browser/board.mjs). Screenshots of both
layouts go to tests/browser/screenshots/ (CI keeps them as artifacts)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from app.access.workspaces import NewWorkspace
from tests.browser.node_tools import HERE, missing_browser, needs
from tests.ops.served import Served

pytestmark = [pytest.mark.anyio, needs(missing_browser())]

SCREENSHOTS = HERE / "screenshots"


async def _setup(served: Served, key: str) -> tuple[str, str, list[str]]:
    async def gql(query: str, **variables: object) -> dict:
        async with httpx.AsyncClient(base_url=served.url) as http:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {key}"},
            )
        return response.json()  # type: ignore[no-any-return]

    made = await gql('mutation { createLine(input: {name: "Pharmacy"}) { line { id } } }')
    line_id = made["data"]["createLine"]["line"]["id"]
    public_ids = []
    for first, last in (("Mari", "Tamm"), ("Jaan", "Kask"), ("Liis", "Mets"), ("Olev", "Saar")):
        created = await gql(
            """mutation Visit($l: ID!, $f: String, $s: String) { createQueueTicket(input:
            {lineId: $l, firstName: $f, lastName: $s, phoneNumber: "+3725551234"}) {
            ticket { ... on QueueTicket { publicId } } } }""",
            l=line_id, f=first, s=last,
        )  # fmt: skip
        public_ids.append(created["data"]["createQueueTicket"]["ticket"]["publicId"])
    display = await gql(
        "mutation($l: [ID!]) { createApiKey(input: {role: DISPLAY, lineIds: $l}) { key } }",
        l=[line_id],
    )
    return line_id, display["data"]["createApiKey"]["key"], public_ids


async def test_the_board_page_shows_calls_and_resumes_after_a_restart(
    database_url: str, workspace: NewWorkspace, tmp_path
):
    served = await Served(database_url, tmp_path / "serve.log").start()
    try:
        line_id, display_key, public_ids = await _setup(served, workspace.api_key)
        page_answer = httpx.get(f"{served.url}/board")
        assert "default-src 'none'" in page_answer.headers["content-security-policy"]
        node = await asyncio.create_subprocess_exec(
            "node", str(HERE / "board.mjs"), served.url, workspace.api_key, display_key,
            line_id, str(SCREENSHOTS),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, cwd=HERE,
        )  # fmt: skip
        assert node.stdout is not None and node.stdin is not None
        line = await asyncio.wait_for(node.stdout.readline(), 60)
        assert json.loads(line) == {"restart": True}, line
        await served.stop()
        await asyncio.sleep(1.0)  # the page meets a closed port for a moment
        await served.start()
        node.stdin.write(b"restarted\n")
        await node.stdin.drain()
        out, err = await asyncio.wait_for(node.communicate(), 90)
    finally:
        await served.stop()
    assert node.returncode == 0, (out + err).decode()[-3000:]
    summary = json.loads(out.decode().strip().splitlines()[-1])
    print(f"\nBoard screenshots: {SCREENSHOTS}")
    assert summary["offMachine"] == [] and summary["consoleErrors"] == []
    assert all("ERR_CONNECTION_REFUSED" in text for text in summary["outageConsole"])
    first = summary["firstBoard"]
    assert first["waiting"] == public_ids and first["called"] == []
    calls = summary["calls"]
    assert [c["publicId"] for c in calls] == public_ids[:3]
    for call, desk in zip(calls, (3, 4, 5), strict=True):
        assert call["ms"] < 2000  # through the API, the socket and the page
        assert call["top"]["fresh"] and f"Desk {desk}" in call["top"]["text"]
        assert call["announce"] == f"Now serving {call['publicId']}, desk {desk}"
        assert "Tamm" not in json.dumps(call) and "+372" not in json.dumps(call)
    assert (
        calls[0]["top"]["text"].startswith(public_ids[0]) and "Mari T." in calls[0]["top"]["text"]
    )
    after = summary["afterRestart"]
    assert after["marker"] == "same page"  # resumed without a reload
    assert after["connections"] >= 2
    assert [c["ticket"] for c in after["called"]] == public_ids[2::-1]
    assert after["called"][0]["fontSize"] > after["called"][1]["fontSize"]  # latest is largest
    assert after["waiting"] == public_ids[3:]
    assert [Path(p).name for p in summary["screenshots"]] == [
        "board-landscape.png",
        "board-portrait.png",
    ]
