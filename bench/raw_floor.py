"""The floor: the dashboard's and single ticket's rows with raw asyncpg, nested into JSON by hand.

No GraphQL, no ORM: five hand-written statements (tickets, users, labels, messages,
interactions) and json.dumps. An ASGI app for the HTTP comparison (POST /dashboard,
POST /ticket/{id}), and `fetch_dashboard` for in-process timings.

    TICKETGW_BENCH_PG=postgresql://postgres@127.0.0.1:5432/ticketgw_bench \
      .venv/bin/uvicorn bench.raw_floor:app --port 8403 --no-access-log
"""

from __future__ import annotations

import json
import os
from typing import Any

import asyncpg

TICKETS = """
SELECT id, state, created_at, title, assignee_id FROM ticket
WHERE workspace_id = $1 AND state = ANY($2::varchar[]) AND spam = false AND trashed_at IS NULL
ORDER BY created_at DESC, id DESC LIMIT 51"""
ONE_TICKET = """
SELECT id, state, created_at, title, assignee_id FROM ticket WHERE workspace_id = $1 AND id = $2"""
USERS = "SELECT id, name, email FROM app_user WHERE workspace_id = $1 AND id = ANY($2::int[])"
LABELS = """
SELECT tl.ticket_id, l.name, l.color FROM ticket_label tl JOIN label l ON l.id = tl.label_id
WHERE tl.workspace_id = $1 AND tl.ticket_id = ANY($2::int[]) ORDER BY l.name, l.id"""
MESSAGES = """
SELECT ticket_id, body, direction, created_at, author_id FROM (
  SELECT m.*, row_number() OVER (PARTITION BY ticket_id ORDER BY created_at, id) AS place
  FROM message m WHERE workspace_id = $1 AND ticket_id = ANY($2::int[]) AND deleted_at IS NULL
) s WHERE place <= 5 ORDER BY ticket_id, place"""
INTERACTIONS = """
SELECT ticket_id, start, "end", user_id FROM interaction
WHERE workspace_id = $1 AND ticket_id = ANY($2::int[]) ORDER BY start, id"""
STATES = ["OPEN", "IN_PROGRESS", "PENDING"]


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


async def build(conn: asyncpg.Connection, ws: int, tickets: list[asyncpg.Record]) -> list[dict]:
    ids = [t["id"] for t in tickets]
    labels, messages, calls = (
        await conn.fetch(LABELS, ws, ids),
        await conn.fetch(MESSAGES, ws, ids),
        await conn.fetch(INTERACTIONS, ws, ids),
    )
    user_ids = {t["assignee_id"] for t in tickets} | {m["author_id"] for m in messages}
    user_ids |= {c["user_id"] for c in calls}
    users = {u["id"]: u for u in await conn.fetch(USERS, ws, [u for u in user_ids if u])}
    by: dict[str, dict[int, list[dict]]] = {"labels": {}, "messages": {}, "interactions": {}}
    for r in labels:
        by["labels"].setdefault(r["ticket_id"], []).append({"name": r["name"], "color": r["color"]})
    for r in messages:
        author = users.get(r["author_id"])
        by["messages"].setdefault(r["ticket_id"], []).append({
            "body": r["body"], "direction": r["direction"], "createdAt": _iso(r["created_at"]),
            "author": author and {"name": author["name"]},
        })  # fmt: skip
    for r in calls:
        user = users.get(r["user_id"])
        by["interactions"].setdefault(r["ticket_id"], []).append({
            "start": _iso(r["start"]), "end": _iso(r["end"]),
            "user": user and {"name": user["name"]},
        })  # fmt: skip
    out = []
    for t in tickets:
        a = users.get(t["assignee_id"])
        out.append({
            "id": t["id"], "state": t["state"], "createdAt": _iso(t["created_at"]),
            "title": t["title"],
            "assignee": a and {"id": a["id"], "name": a["name"], "email": a["email"]},
            "labels": by["labels"].get(t["id"], []),
            "messages": {"nodes": by["messages"].get(t["id"], [])},
            "interactions": by["interactions"].get(t["id"], []),
        })  # fmt: skip
    return out


async def fetch_dashboard(pool: asyncpg.Pool, ws: int) -> dict:
    async with pool.acquire() as conn:
        tickets = (await conn.fetch(TICKETS, ws, STATES))[:50]
        return {
            "data": {"tickets": {"edges": [{"node": n} for n in await build(conn, ws, tickets)]}}
        }


async def fetch_ticket(pool: asyncpg.Pool, ws: int, ticket_id: int) -> dict:
    async with pool.acquire() as conn:
        tickets = await conn.fetch(ONE_TICKET, ws, ticket_id)
        nodes = await build(conn, ws, tickets)
        return {"data": {"ticket": nodes[0] if nodes else None}}


_pool: asyncpg.Pool | None = None
WORKSPACE = int(os.environ.get("TICKETGW_BENCH_WORKSPACE", "1"))


async def app(scope: dict, receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _pool = await asyncpg.create_pool(os.environ["TICKETGW_BENCH_PG"], max_size=10)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                assert _pool is not None
                await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert _pool is not None
    while (await receive()).get("more_body"):
        pass
    path = scope["path"]
    if path.startswith("/ticket/"):
        result = await fetch_ticket(_pool, WORKSPACE, int(path.rsplit("/", 1)[1]))
    else:
        result = await fetch_dashboard(_pool, WORKSPACE)
    body = json.dumps(result).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
