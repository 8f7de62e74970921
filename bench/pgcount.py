"""A PostgreSQL wire-protocol proxy that counts (and optionally traces) its clients' statements.

Sits between a server under test and PostgreSQL for a short counting phase (never while
timing). Counts Execute messages (extended protocol) and simple Query messages other than
transaction control (BEGIN, COMMIT, ROLLBACK, SET ...), so each driver's way of talking counts
the same: one per SQL statement the database runs.

With `trace=True` it also records every statement (control ones included, marked uncounted):
its SQL text (from the Parse of the prepared statement its portal was bound to), when the
client sent it and when the server's ReadyForQuery for it came back. The time between one
statement's answer and the next statement is the client's own work (Python, for a gateway).
"""

from __future__ import annotations

import asyncio
import itertools
import struct
from collections import deque
from dataclasses import dataclass, field
from time import perf_counter

_UNTYPED = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered with one byte
_CONTROL = (b"BEGIN", b"COMMIT", b"ROLLBACK", b"START", b"SET", b"RESET", b"DISCARD")
# asyncpg's pool resets a connection on release with one simple query starting like this.
_POOL_RESET = b"SELECT PG_ADVISORY_UNLOCK_ALL"


@dataclass
class Statement:
    conn: int  # which client connection sent it
    text: str
    counted: bool
    sent: float  # perf_counter() when the proxy read it from the client
    done: float | None = None  # when the ReadyForQuery that ends it came back


@dataclass
class StatementCount:
    statements: int = 0
    trace: list[Statement] | None = None  # None: count only


@dataclass
class _Connection:
    """One client connection's protocol state: prepared texts, portals, unanswered syncs."""

    id: int
    prepared: dict[bytes, str] = field(default_factory=dict)
    portals: dict[bytes, str] = field(default_factory=dict)
    group: list[Statement] = field(default_factory=list)  # since the last Sync
    waiting: deque[list[Statement]] = field(default_factory=deque)  # one per Sync / Query


def _cstring(body: bytes, start: int = 0) -> tuple[bytes, int]:
    end = body.index(b"\0", start)
    return body[start:end], end + 1


def _note(conn: _Connection, kind: bytes, body: bytes) -> None:
    if kind == b"P":
        name, at = _cstring(body)
        conn.prepared[name] = _cstring(body, at)[0].decode(errors="replace")
    elif kind == b"B":
        portal, at = _cstring(body)
        conn.portals[portal] = conn.prepared.get(_cstring(body, at)[0], "?")
    elif kind == b"E":
        text = conn.portals.get(_cstring(body)[0], "?")
        conn.group.append(Statement(conn.id, text, True, perf_counter()))
    elif kind == b"S":
        conn.waiting.append(conn.group)
        conn.group = []
    elif kind == b"Q":
        sql = _cstring(body)[0]
        counted = not sql.lstrip().upper().startswith((*_CONTROL, _POOL_RESET))
        statement = Statement(conn.id, sql.decode(errors="replace"), counted, perf_counter())
        conn.waiting.append([statement])


async def _negotiate(
    c_reader: asyncio.StreamReader,
    c_writer: asyncio.StreamWriter,
    s_reader: asyncio.StreamReader,
    s_writer: asyncio.StreamWriter,
) -> bool:
    """Forward the untyped start: SSL/GSS requests (each answered with one byte) and the
    StartupMessage. False when the server accepted TLS: then nothing can be read, only piped."""
    while True:
        head = await c_reader.readexactly(8)
        length, code = struct.unpack("!ii", head)
        s_writer.write(head + await c_reader.readexactly(length - 8))
        if code not in _UNTYPED:
            return True
        answer = await s_reader.readexactly(1)
        c_writer.write(answer)
        if answer in (b"S", b"G"):
            return False


async def _client_to_server(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    count: StatementCount,
    conn: _Connection,
) -> None:
    try:
        while True:
            head = await reader.readexactly(5)
            kind, length = head[:1], struct.unpack("!i", head[1:])[0]
            body = await reader.readexactly(length - 4)
            if kind == b"E" or (
                kind == b"Q" and not body.lstrip().upper().startswith((*_CONTROL, _POOL_RESET))
            ):
                count.statements += 1
            if count.trace is not None:
                _note(conn, kind, body)
            writer.write(head + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def _server_to_client(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    trace: list[Statement],
    conn: _Connection,
) -> None:
    """Forward message by message, stamping statements done at each ReadyForQuery."""
    try:
        while True:
            head = await reader.readexactly(5)
            body = await reader.readexactly(struct.unpack("!i", head[1:])[0] - 4)
            if head[:1] == b"Z" and conn.waiting:
                now = perf_counter()
                for statement in conn.waiting.popleft():
                    statement.done = now
                    trace.append(statement)
            writer.write(head + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()


async def start_proxy(
    port: int, upstream: tuple[str, int], *, trace: bool = False
) -> tuple[asyncio.Server, StatementCount]:
    count = StatementCount(trace=[] if trace else None)
    ids = itertools.count(1)

    async def handle(c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        s_reader, s_writer = await asyncio.open_connection(*upstream)
        try:
            readable = await _negotiate(c_reader, c_writer, s_reader, s_writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            s_writer.close()
            c_writer.close()
            return
        if not readable:
            await asyncio.gather(_pipe(c_reader, s_writer), _pipe(s_reader, c_writer))
            return
        conn = _Connection(next(ids))
        back = (
            _pipe(s_reader, c_writer)
            if count.trace is None
            else _server_to_client(s_reader, c_writer, count.trace, conn)
        )
        await asyncio.gather(_client_to_server(c_reader, s_writer, count, conn), back)

    return await asyncio.start_server(handle, "127.0.0.1", port), count
