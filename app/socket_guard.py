"""Live WebSocket connections and graphql-sse streams, and the key each one authenticated with.

Every `interval` seconds one query asks which of those keys are still live; a socket whose key
was revoked is closed with 4403. On shutdown every socket is closed with 1012 (service restart),
which tells clients to reconnect and resume from their last cursor. An SSE stream
(app/http/event_stream.py) takes the same `close(code=, reason=)` and ends the way each code
means.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.background import Periodic
from app.db import ApiKey
from app.db.engine import Database

log = logging.getLogger(__name__)

CLOSE_REVOKED = 4403  # graphql-transport-ws "Forbidden": do not reconnect with this key
CLOSE_RESTART = 1012  # RFC 6455 "Service Restart": reconnect and resume with the last cursor
# RFC 6455 "Try Again Later": the database or broker is down; reconnect after a moment (with
# backoff) and resume with the last cursor. Sent before the cursor moves past an event that
# could not be resolved, so resuming misses nothing.
CLOSE_TRY_AGAIN = 1013


async def live_key_ids(db: Database, key_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(key_ids))
    if not ids:
        return set()
    async with db.read_session() as session:
        stmt = select(col(ApiKey.id)).where(
            col(ApiKey.id).in_(ids),
            col(ApiKey.revoked_at).is_(None),
        )
        return set((await session.execute(stmt)).scalars())


async def close_socket(websocket: Any, code: int, reason: str) -> None:
    """Close a Starlette WebSocket unless it is already closed (then there is nothing to do)."""
    with contextlib.suppress(RuntimeError, OSError):
        await websocket.close(code=code, reason=reason)


class SocketGuard(Periodic):
    task_name = "socket-guard"
    failure = "Checking WebSocket keys failed"
    wait_first = True  # at start-up no socket is open yet

    def __init__(self, db: Database, *, interval: float = 2.0) -> None:
        super().__init__(interval=interval, log=log)
        self.db = db
        self._sockets: dict[Any, int] = {}  # WebSocket -> api key id

    def add(self, websocket: Any, key_id: int) -> None:
        self._sockets[websocket] = key_id

    def discard(self, websocket: Any) -> None:
        self._sockets.pop(websocket, None)

    def __len__(self) -> int:
        return len(self._sockets)

    async def stop(self) -> None:
        """Stop watching and close every socket left with 1012."""
        await super().stop()
        sockets, self._sockets = list(self._sockets), {}
        for websocket in sockets:
            await close_socket(websocket, CLOSE_RESTART, "Server restarting: resume with a cursor")

    async def check_now(self) -> int:
        """Close the sockets of revoked keys; returns how many were closed."""
        if not self._sockets:
            return 0
        live = await live_key_ids(self.db, self._sockets.values())
        revoked = [ws for ws, key_id in self._sockets.items() if key_id not in live]
        for websocket in revoked:
            self.discard(websocket)
            await close_socket(websocket, CLOSE_REVOKED, "API key revoked")
        return len(revoked)

    async def run_once(self) -> None:
        await self.check_now()
