"""A small WebSocket GraphQL client for tests, speaking either protocol over `websockets`."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
TIMEOUT = 15.0

EVENTS = """
subscription ($filter: TicketEventFilter, $after: String) {
  ticketEvents(filter: $filter, after: $after) {
    id cursor type fromState toState fromStatus toStatus at
    actor { name }
    ticket { id state }
  }
}
"""

STATUS_CHANGED = """
subscription ($filter: TicketEventFilter, $after: String, $initial: Boolean) {
  ticketStatusChanged(filter: $filter, after: $after, initial: $initial) {
    id cursor type fromState toState fromStatus toStatus
    ticket { id state }
  }
}
"""


class Closed(Exception):
    def __init__(self, code: int | None) -> None:
        super().__init__(code)
        self.code = code


class WsClient:
    def __init__(self, ws: Any, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self._ids = 0

    @classmethod
    async def connect(cls, url: str, key: str | None, protocol: str = TRANSPORT_WS) -> WsClient:
        ws = await websockets.connect(url, subprotocols=[protocol], max_size=None)  # type: ignore[list-item]
        client = cls(ws, protocol)
        payload = {"Authorization": f"Bearer {key}"} if key else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = await client.recv()
        assert ack["type"] == "connection_ack", ack
        return client

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout)
            except websockets.ConnectionClosed as closed:
                raise Closed(closed.rcvd.code if closed.rcvd else None) from None
            message: dict[str, Any] = json.loads(raw)
            if message["type"] not in ("ka", "ping", "pong"):
                return message

    async def subscribe(self, query: str, **variables: Any) -> str:
        self._ids += 1
        op_id = str(self._ids)
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        payload = {"query": query, "variables": variables}
        await self.ws.send(json.dumps({"id": op_id, "type": kind, "payload": payload}))
        return op_id

    async def next_payload(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next `next`/`data` payload; a protocol `error` comes back as {"errors": [...]}.
        `complete` messages (after an error) are skipped."""
        message = await self.recv(timeout)
        while message["type"] == "complete":
            message = await self.recv(timeout)
        if message["type"] in ("next", "data"):
            return message["payload"]  # type: ignore[no-any-return]
        if message["type"] == "error":
            errors = message["payload"]
            return {"errors": errors if isinstance(errors, list) else [errors]}
        raise AssertionError(f"unexpected message {message}")

    async def raw_results(self, count: int, timeout: float = TIMEOUT) -> list[str]:
        """The next `count` result frames (`next`/`data`) as the server wrote them: for tests
        that compare the bytes of the shared and the per-subscriber paths."""
        frames = []
        while len(frames) < count:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            if json.loads(raw)["type"] in ("next", "data"):
                frames.append(raw)
        return frames

    async def events(self, count: int, field: str = "ticketEvents") -> list[dict[str, Any]]:
        out = []
        for _ in range(count):
            payload = await self.next_payload()
            assert "errors" not in payload, payload
            out.append(payload["data"][field])
        return out

    async def close_code(self, timeout: float = TIMEOUT) -> int | None:
        """Wait for the server to close the socket; its close code."""
        try:
            while True:
                await self.recv(timeout)
        except Closed as closed:
            return closed.code

    async def close(self) -> None:
        await self.ws.close()
