"""The write floor: addTicketMessage as a careful engineer would write it by hand in asyncpg.

One transaction per write, four statements, the workspace row locked only for the last one:

1. lock the ticket row and read what the rules and the event need (kind, status, state,
   version, channel); a missing ticket or a stale `expectedVersion` ends it here;
2. insert the message;
3. update the ticket (version + 1, updated_at, last_message_at);
4. take the event's seq from the workspace row and insert the event, in one statement
   (`WITH s AS (UPDATE workspace ... RETURNING event_seq) INSERT INTO ticket_event ...`).

Then COMMIT, then the wake-up on Redis (the gateway's channel), outside the transaction. The
workspace row is held from statement 4 to the end of the COMMIT only: seqs still follow commit
order within a workspace (a reader that saw seq N has seen every seq below N), which is the
event log's promise, at the price of one short critical section per write. Other workspaces
never wait. No GraphQL, no ORM, no API key check: what the database and the protocol cost.

Served over HTTP like the gateway (`POST /message`, JSON `{"workspace", "ticket", "author",
"body"}`), on a socket per worker as `ticketgw serve --workers N` does:

    TICKETGW_BENCH_PG=postgresql://postgres@127.0.0.1:55460/ticketgw_writebench \
      .venv/bin/python -m bench.write_floor --port 8410 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from typing import Any

import asyncpg

LOCK_TICKET = """
SELECT kind, status, state, version, channel FROM ticket
WHERE id = $1 AND workspace_id = $2 FOR UPDATE"""
INSERT_MESSAGE = """
INSERT INTO message (workspace_id, ticket_id, body, direction, channel, status, public,
                     author_id, created_at)
VALUES ($1, $2, $3, 'OUTGOING', $4, 'SENT', true, $5, $6)"""
UPDATE_TICKET = """
UPDATE ticket SET version = version + 1, updated_at = $2, last_message_at = $2 WHERE id = $1"""
APPEND_EVENT = """
WITH s AS (UPDATE workspace SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq)
INSERT INTO ticket_event (workspace_id, seq, ticket_id, type, from_state, to_state,
                          from_status, to_status, actor_id, at)
SELECT $1, s.event_seq, $2, 'MESSAGE_ADDED', $3, $3, $4, $4, $5, $6 FROM s
RETURNING seq"""
WAKEUP_CHANNEL = "ticketgw:wakeup"  # app/live/broker/redis.py's channel: "workspace_id:seq"


class Refused(Exception):
    pass


async def add_message(
    conn: asyncpg.Connection,
    workspace: int,
    ticket: int,
    author: int,
    body: str,
    expected_version: int | None = None,
) -> int:
    """The write; returns the event's seq."""
    now = datetime.now(UTC)
    async with conn.transaction():
        row = await conn.fetchrow(LOCK_TICKET, ticket, workspace)
        if row is None:
            raise Refused("NOT_FOUND")
        if expected_version is not None and row["version"] != expected_version:
            raise Refused("CONFLICT")
        channel = "sms" if row["kind"] == "QUEUE" else row["channel"]
        await conn.execute(INSERT_MESSAGE, workspace, ticket, body, channel, author, now)
        await conn.execute(UPDATE_TICKET, ticket, now)
        seq: int = await conn.fetchval(
            APPEND_EVENT, workspace, ticket, row["state"], row["status"], author, now
        )
    return seq


_pool: asyncpg.Pool | None = None
_redis: Any = None


async def _startup() -> None:
    global _pool, _redis
    # 16 connections a process, as the gateway's TICKETGW_DB_POOL_SIZE default.
    _pool = await asyncpg.create_pool(os.environ["TICKETGW_BENCH_PG"], min_size=4, max_size=16)
    if url := os.environ.get("TICKETGW_BENCH_REDIS"):
        from redis.asyncio import Redis

        _redis = Redis.from_url(url)


async def _answer(send: Any, status: int, result: dict[str, Any]) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(result).encode()})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await _startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/healthz":
        await _answer(send, 200, {"status": "ok"})
        return
    assert _pool is not None
    w = json.loads(body)
    try:
        async with _pool.acquire() as conn:
            seq = await add_message(conn, w["workspace"], w["ticket"], w["author"], w["body"])
    except Refused as refusal:
        await _answer(send, 409, {"error": str(refusal)})
        return
    if _redis is not None:
        await _redis.publish(WAKEUP_CHANNEL, f"{w['workspace']}:{seq}")
    await _answer(send, 200, {"seq": seq})


def main() -> None:
    import uvicorn

    from app.serving import SocketPerWorker, listening_sockets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = uvicorn.Config(
        "bench.write_floor:app",
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    if args.workers == 1:
        uvicorn.Server(config).run()
        return
    sockets = listening_sockets("127.0.0.1", args.port, config.backlog, args.workers)
    SocketPerWorker(config, sockets).run()


if __name__ == "__main__":
    main()
