"""A PostgreSQL wire-protocol proxy that counts the statements its clients run.

Sits between a server under test and PostgreSQL for a short counting phase (never while
timing). Counts Execute messages (extended protocol) and simple Query messages other than
transaction control (BEGIN, COMMIT, ROLLBACK, SET ...), so each driver's way of talking counts
the same: one per SQL statement the database runs.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass

_UNTYPED = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered with one byte
_CONTROL = (b"BEGIN", b"COMMIT", b"ROLLBACK", b"START", b"SET", b"RESET", b"DISCARD")
# asyncpg's pool resets a connection on release with one simple query starting like this.
_POOL_RESET = b"SELECT PG_ADVISORY_UNLOCK_ALL"


@dataclass
class StatementCount:
    statements: int = 0


async def _client_to_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                            count: StatementCount) -> None:  # fmt: skip
    started = False
    try:
        while True:
            if not started:
                head = await reader.readexactly(8)
                length, code = struct.unpack("!ii", head)
                writer.write(head + await reader.readexactly(length - 8))
                started = code not in _UNTYPED
                continue
            head = await reader.readexactly(5)
            kind, length = head[:1], struct.unpack("!i", head[1:])[0]
            body = await reader.readexactly(length - 4)
            if kind == b"E" or (kind == b"Q" and not body.lstrip().upper().startswith((*_CONTROL, _POOL_RESET))):
                count.statements += 1
            writer.write(head + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


async def _server_to_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def start_proxy(
    port: int, upstream: tuple[str, int]
) -> tuple[asyncio.Server, StatementCount]:
    count = StatementCount()

    async def handle(c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        s_reader, s_writer = await asyncio.open_connection(*upstream)
        await asyncio.gather(
            _client_to_server(c_reader, s_writer, count), _server_to_client(s_reader, c_writer)
        )

    return await asyncio.start_server(handle, "127.0.0.1", port), count
