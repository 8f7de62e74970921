"""Slow clients against a real `ticketgw serve`: 500 connections trickling their headers or
their body are all closed by the server once the (here, 1-second) deadlines pass, and a normal
query sent meanwhile is answered. Counts of sockets, not timings: each trickler gives up only
after several times the deadline. Headers past the size cap get 431 at once."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter
from typing import Any

import httpx
import pytest
import uvicorn

from app.http import header_deadline
from app.serving import HTTP_PROTOCOL as HEADER_PROTOCOL
from tests.ops.served import Served

pytestmark = pytest.mark.anyio

PER_KIND = 250
GIVE_UP_AFTER = 8.0  # seconds of trickling before a socket counts as kept open
DRIP_EVERY = 0.25

HEADERS_START = b"POST /graphql HTTP/1.1\r\nHost: t\r\n"
BODY_START = (
    b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100000\r\n\r\n{"
)


async def trickle(port: int, start: bytes, drip: bytes) -> str:
    """'closed' once the server ends the connection (an answer then EOF, or a reset: closing
    with unread bytes resets, and the client may lose the answer), or 'open'."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = asyncio.ensure_future(reader.read())  # returns once the server closes
    loop = asyncio.get_running_loop()
    give_up = loop.time() + GIVE_UP_AFTER
    try:
        writer.write(start)
        while not answer.done() and loop.time() < give_up:
            try:
                writer.write(drip)
                await writer.drain()
            except ConnectionError:
                break
            await asyncio.wait([answer], timeout=DRIP_EVERY)
        if not answer.done():
            answer.cancel()
            return "open"
        with contextlib.suppress(ConnectionError):
            await answer
        return "closed"
    finally:
        writer.close()


async def test_slow_headers_and_bodies_are_cut_off_while_queries_are_answered(
    database_url, tmp_path
):
    served = Served(
        database_url, tmp_path / "serve.log", TICKETGW_HEADER_TIMEOUT="1", TICKETGW_BODY_TIMEOUT="1"
    )
    await served.start()
    try:
        tricklers = [
            *(trickle(served.port, HEADERS_START, b"X-Slow: 1\r\n") for _ in range(PER_KIND)),
            *(trickle(served.port, BODY_START, b" ") for _ in range(PER_KIND)),
        ]
        outcomes = asyncio.gather(*tricklers)
        await asyncio.sleep(0.5)  # every trickler connected and dripping
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
            answered = await http.post("/graphql", json={"query": "{ __typename }"})
        counted = Counter(await outcomes)
    finally:
        await served.stop()
    assert (answered.status_code, answered.json()["data"]) == (200, {"__typename": "Query"})
    assert counted == {"closed": 2 * PER_KIND}
    # The server's own count: every late body was answered 408, and nothing failed.
    lines = served.log_lines()
    assert sum(line.get("status") == 408 for line in lines) == PER_KIND
    assert [line for line in lines if line["level"] in ("error", "critical")] == []


async def _ok(scope: dict, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_headers_past_the_size_cap_get_431_whatever_the_deadline(monkeypatch):
    # httptools, which uvicorn prefers, has no cap of its own; h11's default applies to both.
    monkeypatch.setattr(header_deadline, "header_timeout", lambda: 3600.0)
    sock = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(_ok, log_level="warning", lifespan="off", http=HEADER_PROTOCOL)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    answers = []
    for size in (8 * 1024, 20 * 1024):  # under and over 16 KiB
        reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * size + b"\r\n\r\n")
        answers.append((await reader.readline()).strip().decode())
        writer.close()
    server.should_exit = True
    await task
    assert answers == ["HTTP/1.1 200 OK", "HTTP/1.1 431 Request Header Fields Too Large"]
