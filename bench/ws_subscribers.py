"""A subscriber process: N graphql-transport-ws connections to ticketStatusChanged, in their own
process, driven over stdin/stdout by bench/subscriptions_ws.py.

1. stdin line 1: {"url", "key", "query", "connections", "until"?}. Connects and subscribes
   ("from now"), then prints "ready". While running it only stamps and keeps each raw message
   (time.time(), text): parsing comes after, so receiving stays cheap.
   With "until" (a burst), it also prints "full" once every connection has that many events
   ("timeout" after "timeout" seconds).
2. It stops on stdin line 2 (JSON: {"acks": {"<ticket id> <type>": epoch}, "deadline"}) and
   prints one JSON line: per connection what arrived by the deadline, latencies from the
   event's `at` and from the writer's answer (ack), and whether the cursors came in order,
   each once.

Clock: `at` is stamped by the writing gateway (datetime.now(UTC), CLOCK_REALTIME) when its
unit of work begins, before the workspace lock; the ack when the writer read the answer (after
COMMIT and the wake-up); receipt here with time.time(). Same machine, same clock.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from app.domain.cursors import decode_event_cursor


async def subscribe(url: str, key: str, query: str) -> ClientConnection:
    ws = await connect(url, subprotocols=[Subprotocol("graphql-transport-ws")], max_size=None)
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    )
    ack = json.loads(await ws.recv())
    assert ack["type"] == "connection_ack", ack
    payload = {"query": query, "variables": {"after": None}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return ws


async def receive(
    ws: ClientConnection,
    out: list[tuple[float, str | bytes]],
    until: int | None,
    full: asyncio.Event,
) -> None:
    async for message in ws:
        out.append((time.time(), message))
        if until and len(out) >= until:
            full.set()
            return


def analyse(
    messages: list[tuple[float, str | bytes]], acks: dict[str, float], deadline: float
) -> dict[str, Any]:
    at_ms, ack_ms, seqs, other = [], [], [], 0
    last_seen = 0.0
    for received, raw in messages:
        message = json.loads(raw)
        if message.get("type") != "next":
            other += 1
            continue
        if received > deadline:
            continue
        event = message["payload"]["data"]["ticketStatusChanged"]
        seqs.append(decode_event_cursor(event["cursor"]))
        at_ms.append((received - datetime.fromisoformat(event["at"]).timestamp()) * 1000)
        ticket = (event.get("ticket") or {}).get("id")
        if (sent := acks.get(f"{ticket} {event['type']}")) is not None:
            ack_ms.append((received - sent) * 1000)
        last_seen = max(last_seen, received)
    return {
        "delivered": len(seqs),
        "in_order": all(a < b for a, b in itertools.pairwise(seqs)),
        "distinct": len(set(seqs)),
        "at_ms": [round(x, 2) for x in at_ms],
        "ack_ms": [round(x, 2) for x in ack_ms],
        "first": min((r for r, _ in messages), default=None),
        "last": last_seen or None,
        "other_messages": other,
    }


async def run(plan: dict[str, Any]) -> list[dict[str, Any]]:
    loop = asyncio.get_running_loop()
    sockets = await asyncio.gather(
        *(subscribe(plan["url"], plan["key"], plan["query"]) for _ in range(plan["connections"]))
    )
    inboxes: list[list[tuple[float, str | bytes]]] = [[] for _ in sockets]
    fulls = [asyncio.Event() for _ in sockets]
    until = plan.get("until")
    tasks = [
        asyncio.create_task(receive(ws, box, until, full))
        for ws, box, full in zip(sockets, inboxes, fulls, strict=True)
    ]
    print("ready", flush=True)
    if until:  # a burst: say when every connection has them all (or time is up)
        try:
            await asyncio.wait_for(asyncio.gather(*(f.wait() for f in fulls)), plan["timeout"])
            print("full", flush=True)
        except TimeoutError:
            print("timeout", flush=True)
    line = await loop.run_in_executor(None, sys.stdin.readline)
    stop = json.loads(line) if line.strip() else {}
    for task in tasks:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    deadline = stop.get("deadline", float("inf"))
    acks = stop.get("acks", {})
    return [analyse(box, acks, deadline) for box in inboxes]


def main() -> None:
    plan = json.loads(sys.stdin.readline())
    run_loop: Callable[[Coroutine[Any, Any, Any]], Any]
    try:
        from uvloop import run as run_loop
    except ImportError:
        run_loop = asyncio.run
    print(json.dumps(run_loop(run(plan))), flush=True)


if __name__ == "__main__":
    main()
