"""Gateways under a real uvicorn, and event writers, for the subscription tests."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field

import uvicorn

from app.access import setup
from app.access.workspaces import NewWorkspace, authenticate
from app.config import Settings
from app.db.engine import Database
from app.domain.principal import Principal
from app.live.service_env import ServiceEnv
from app.main import create_app
from app.tickets import queue, queue_desk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Gateway:
    """create_app() under an in-process uvicorn.Server on a free port; stop() and start() again
    (same port) to restart it."""

    settings: Settings
    key_check_interval: float = 0.3
    port: int = field(default_factory=free_port)
    server: uvicorn.Server | None = None
    task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def app(self):  # type: ignore[no-untyped-def]
        assert self.server is not None
        return self.server.config.app

    async def start(self) -> None:
        app = create_app(self.settings, key_check_interval=self.key_check_interval)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        async with asyncio.timeout(10):
            while not self.server.started:
                if self.task.done():
                    await self.task  # raises the start-up error
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self.server is not None and self.task is not None:
            self.server.should_exit = True
            await self.task
            self.server = self.task = None


class Desk:
    """Writes queue status changes through the lifecycle services, as a desk clerk would."""

    def __init__(self, env: ServiceEnv, principal: Principal, line_id: int) -> None:
        self.env = env
        self.principal = principal
        self.line_id = line_id

    @classmethod
    async def open(cls, env: ServiceEnv, workspace: NewWorkspace, name: str = "Main") -> Desk:
        principal = await authenticate(env.db, workspace.api_key)
        assert principal is not None
        line = await setup.create_line(env, principal, name=name)
        assert line.id is not None
        return cls(env, principal, line.id)

    async def create(self) -> int:
        ticket = await queue.create_queue_ticket(self.env, self.principal, line_id=self.line_id)
        assert ticket.id is not None
        return ticket.id

    async def call(self, ticket_id: int) -> None:
        await queue_desk.call_ticket(self.env, self.principal, ticket_id, keep_previous=True)

    async def serve(self, ticket_id: int) -> None:
        await queue_desk.mark_ticket_served(self.env, self.principal, ticket_id)

    async def status_changes(self, count: int) -> None:
        """Exactly `count` status-changing events: create (NEW), call, serve, create, ..."""
        steps = [self.call, self.serve]
        ticket_id = 0
        for i in range(count):
            if i % 3 == 0:
                ticket_id = await self.create()
            else:
                await steps[i % 3 - 1](ticket_id)


def env_for(db: Database, broker=None) -> ServiceEnv:  # type: ignore[no-untyped-def]
    return ServiceEnv(db, broker)


async def wait_live(gateway: Gateway, subscribers: int, timeout: float = 10.0) -> None:
    """Until the gateway's feed has `subscribers` subscriptions, all past their log read."""
    feed = gateway.app.state.feed
    async with asyncio.timeout(timeout):
        while True:
            stats = feed.stats()
            if stats.subscribers >= subscribers and stats.behind == 0:
                return
            await asyncio.sleep(0.01)
