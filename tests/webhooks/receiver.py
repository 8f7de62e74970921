"""A real webhook receiver for the tests: a Starlette app under uvicorn on a free port that
records every request and answers what the test scripts (a status, or hanging)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.subscriptions.helpers import free_port

HANG = -1  # a scripted answer: never answer (until the receiver stops)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    peer_port: int
    status: int = 0  # what the receiver answered (HANG when it did not)

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    # The answer to the n-th request (0-based) of a path; 204 unless told otherwise.
    script: Callable[[str, int], int] = lambda _path, _n: 204
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        n = sum(1 for r in self.received if r.path == path)
        record = Received(path, dict(request.headers), body, request.client.port)  # type: ignore[union-attr]
        self.received.append(record)
        status = self.script(path, n)
        record.status = status
        self._arrived.set()
        if status == HANG:
            await self._release.wait()
            return Response(status_code=503)
        return Response(b"nope" * 100 if status >= 400 else b"", status_code=status)

    async def start(self) -> Receiver:
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        async with asyncio.timeout(10):
            while not self._server.started:
                await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        self._release.set()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task

    def on(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def wait_for(self, check: Callable[[], bool], timeout: float = 20.0) -> None:
        async with asyncio.timeout(timeout):
            while not check():
                self._arrived.clear()
                with __import__("contextlib").suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), 0.1)
