"""Writing events without the lifecycle services, and reading subscriptions in tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

from app.db import Ticket, TicketEvent
from app.domain.enums import EventType, HelpdeskStatus, QueueStatus, TicketKind
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import snapshot, unit_of_work


async def create_tickets(
    env: ServiceEnv,
    workspace_id: int,
    count: int = 1,
    *,
    kind: TicketKind = TicketKind.HELPDESK,
    assignee_id: int | None = None,
) -> list[int]:
    """One commit creating `count` tickets: `count` CREATED events."""
    status = HelpdeskStatus.OPEN if kind is TicketKind.HELPDESK else QueueStatus.NEW
    async with unit_of_work(env, workspace_id, None) as uow:
        tickets = []
        for _ in range(count):
            ticket = Ticket(
                workspace_id=workspace_id,
                kind=kind,
                status=status,
                state="OPEN",
                assignee_id=assignee_id,
            )
            await uow.record(ticket, EventType.CREATED, None)
            tickets.append(ticket)
    return [t.id for t in tickets]  # type: ignore[misc]


async def change_ticket(
    env: ServiceEnv, workspace_id: int, ticket_id: int, type_: EventType, **values: object
) -> None:
    """One commit changing one ticket's columns: one event of `type_`."""
    async with unit_of_work(env, workspace_id, None) as uow:
        ticket = await uow.session.get(Ticket, ticket_id)
        assert ticket is not None
        before = snapshot(ticket)
        for name, value in values.items():
            setattr(ticket, name, value)
        await uow.record(ticket, type_, before)


async def write_events(env: ServiceEnv, workspace_id: int, total: int, per_commit: int = 1) -> None:
    while total > 0:
        n = min(per_commit, total)
        await create_tickets(env, workspace_id, n)
        total -= n


async def take(events: AsyncIterator[TicketEvent], count: int) -> list[TicketEvent]:
    """The first `count` events, then the subscription is closed (and so unregistered)."""
    out: list[TicketEvent] = []
    if count == 0:
        return out
    async with aclosing(events) as it:  # type: ignore[type-var]
        async for event in it:
            out.append(event)
            if len(out) == count:
                break
    return out


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
