"""Graceful shutdown of `ticketgw serve`: on SIGTERM it stops accepting, lets an in-flight
request finish, closes WebSockets with 1012 (reconnect and resume) and exits cleanly."""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
import pytest

from app.access.workspaces import NewWorkspace
from tests.ops.served import Served
from tests.subscriptions.client import EVENTS, WsClient

pytestmark = pytest.mark.anyio

QUERY = json.dumps({"query": "query SlowClient { viewer { role } }"}).encode()


async def test_sigterm_finishes_the_request_in_flight_and_closes_sockets_with_1012(
    database_url: str, workspace: NewWorkspace, tmp_path
):
    served = await Served(database_url, tmp_path / "serve.log").start("--grace", "8")
    try:
        socket = await WsClient.connect(
            served.url.replace("http", "ws") + "/graphql", workspace.api_key
        )
        await socket.subscribe(EVENTS)
        # A slow client: headers and half of the body now, the rest after SIGTERM.
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {workspace.api_key}\r\nX-Request-Id: slow-1\r\n"
            f"Content-Length: {len(QUERY)}\r\n\r\n"
        ).encode()
        writer.write(head + QUERY[:10])
        await writer.drain()
        await asyncio.sleep(0.3)

        served.terminate()
        assert await socket.close_code(timeout=5) == 1012
        with pytest.raises(httpx.TransportError):  # no longer accepting
            async with httpx.AsyncClient() as http:
                await http.get(served.url + "/healthz", timeout=2)

        writer.write(QUERY[10:])
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 5)
        response = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 200")
        assert b'"viewer":{"role":"ADMIN"}' in response.replace(b" ", b"")
        # uvicorn re-raises the signal once it has shut down: "terminated by SIGTERM" is clean.
        assert await served.wait(10) == -signal.SIGTERM
    finally:
        await served.stop()

    lines = served.log_lines()  # every line is JSON
    assert "Application shutdown complete." in [r["message"] for r in lines]
    request = [r for r in lines if r.get("request_id") == "slow-1"]
    assert [(r["status"], r["operation"], r["workspace_id"]) for r in request] == [
        (200, "SlowClient", workspace.workspace.id)
    ]
