"""A small graphql-sse reader for the tests: the raw events of one `text/event-stream` answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Event:
    event: str  # "next", "complete", or "" for a comment (keep-alive)
    data: Any = None
    id: str | None = None


def http_url(gateway_url: str) -> str:
    return gateway_url.replace("ws://", "http://")


@asynccontextmanager
async def open_stream(
    url: str,
    query: str,
    key: str | None,
    *,
    last_event_id: str | None = None,
    method: str = "POST",
    **variables: Any,
) -> AsyncIterator[AsyncIterator[Event]]:
    headers = {"Accept": "text/event-stream"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=30)) as http,
        http.stream(
            "POST", url, json={"query": query, "variables": variables}, headers=headers
        ) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield _events(response)


async def _events(response: httpx.Response) -> AsyncIterator[Event]:
    fields: dict[str, str] = {}
    comment = False
    async for line in response.aiter_lines():
        if line == "":
            if fields:
                data = fields.get("data")
                yield Event(
                    fields.get("event", ""), json.loads(data) if data else None, fields.get("id")
                )
            elif comment:
                yield Event("")
            fields, comment = {}, False
        elif line.startswith(":"):
            comment = True
        else:
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value


async def take(events: AsyncIterator[Event], count: int, *, comments: bool = False) -> list[Event]:
    """The next `count` events (keep-alive comments skipped unless asked for)."""
    taken: list[Event] = []
    async for event in events:
        if event.event or comments:
            taken.append(event)
        if len(taken) == count:
            break
    return taken
