"""WebSocket subscription fan-out through a real gateway: N subscribers, M status changes.

Starts `uvicorn app.main:create_app --factory` in a subprocess on a fresh SQLite file (or
--database-url), makes a workspace and a line, connects N graphql-transport-ws clients to
ticketStatusChanged, then writes M status changes through GraphQL mutations on the same gateway
(create -> call -> serve, one at a time). Prints events/second delivered (all subscribers) and
end-to-end latency p50/p99: receive time minus the event's `at` (stamped in the writing
transaction, same clock).

  .venv/bin/python bench/subscriptions_ws.py --subscribers 200 --changes 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import normalize_database_url
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.services.workspaces import create_workspace

SUBSCRIPTION = """subscription ($after: String) { ticketStatusChanged(after: $after) {
  cursor type at %s } }"""
CREATE_LINE = 'mutation { createLine(input: {name: "Bench"}) { line { id } } }'
CREATE = "mutation ($l: ID!) { createQueueTicket(input: {lineId: $l}) { ticket { id } } }"
CALL = "mutation ($id: ID!) { callTicket(input: {id: $id}) { errors { code } } }"
SERVE = "mutation ($id: ID!) { markTicketServed(input: {id: $id}) { errors { code } } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def subscriber(url: str, key: str, query: str, count: int, out: list[float], ready) -> None:  # type: ignore[no-untyped-def]
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], max_size=None) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": query, "variables": {"after": None}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        ready.release()
        for _ in range(count):
            message = json.loads(await asyncio.wait_for(ws.recv(), 60))
            now = time.time()
            event = message["payload"]["data"]["ticketStatusChanged"]
            out.append(now - datetime.fromisoformat(event["at"]).timestamp())


async def run(args: argparse.Namespace) -> None:
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    database_url = normalize_database_url(database_url)
    await asyncio.to_thread(migrate, database_url)
    db = Database(database_url)
    ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    await db.dispose()

    port = free_port()
    env = dict(os.environ, TICKETGW_DATABASE_URL=database_url, TICKETGW_BROKER_URL=args.broker_url)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
         "--port", str(port), "--log-level", "warning"], env=env,
    )  # fmt: skip
    http = httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {ws.api_key}"}
    )
    try:
        for _ in range(200):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.05)

        async def gql(query: str, **variables: str) -> dict:  # type: ignore[type-arg]
            body = (
                await http.post("/graphql", json={"query": query, "variables": variables})
            ).json()
            assert "errors" not in body, body
            return body["data"]  # type: ignore[no-any-return]

        line = (await gql(CREATE_LINE))["createLine"]["line"]["id"]
        query = SUBSCRIPTION % ("" if args.lean else "ticket { id state }")
        latencies: list[float] = []
        ready = asyncio.Semaphore(0)
        url = f"ws://127.0.0.1:{port}/graphql"
        tasks = [
            asyncio.create_task(subscriber(url, ws.api_key, query, args.changes, latencies, ready))
            for _ in range(args.subscribers)
        ]
        for _ in tasks:
            await ready.acquire()
        await asyncio.sleep(1.0)  # let every subscription register with the feed ("from now")

        started = time.perf_counter()
        ticket = ""
        for i in range(args.changes):
            if i % 3 == 0:
                ticket = (await gql(CREATE, l=line))["createQueueTicket"]["ticket"]["id"]
            else:
                await gql(CALL if i % 3 == 1 else SERVE, id=ticket)
        written = time.perf_counter() - started
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    finally:
        await http.aclose()
        server.terminate()
        server.wait(10)

    latencies.sort()
    delivered = len(latencies)
    print(
        f"database: {database_url.split(':', 1)[0]}  broker: {args.broker_url}  lean: {args.lean}"
    )
    print(
        f"subscribers: {args.subscribers}  status changes: {args.changes} "
        f"(written in {written:.2f} s)"
    )
    print(f"delivered: {delivered} events in {elapsed:.2f} s = {delivered / elapsed:,.0f} events/s")
    print(
        f"end-to-end latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(0.99 * (delivered - 1))] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--broker-url", default="memory://")
    parser.add_argument("--lean", action="store_true", help="don't select the ticket")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
