"""Who works a ticket (assignee, and for queue tickets who assigned it) and which team has it.
Setting what is already set is a no-op: no event."""

from __future__ import annotations

from app.db import Team, Ticket, User
from app.domain.enums import EventType
from app.domain.principal import Principal
from app.tickets.command import get_row, ticket_command
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot


async def apply_assign(uow: UnitOfWork, ticket: Ticket, *, assignee_id: int) -> Ticket:
    await get_row(uow, User, assignee_id, "assigneeId")
    if ticket.assignee_id == assignee_id:
        return ticket
    before = snapshot(ticket)
    ticket.assignee_id = assignee_id
    ticket.assigner_id = uow.actor_id
    await uow.record(ticket, EventType.ASSIGNED, before)
    return ticket


async def apply_unassign(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    if ticket.assignee_id is None:
        return ticket
    before = snapshot(ticket)
    ticket.assignee_id = None
    ticket.assigner_id = None
    await uow.record(ticket, EventType.UNASSIGNED, before)
    return ticket


async def apply_set_team(uow: UnitOfWork, ticket: Ticket, *, team_id: int | None) -> Ticket:
    if team_id is not None:
        await get_row(uow, Team, team_id, "teamId")
    if ticket.team_id == team_id:
        return ticket
    before = snapshot(ticket)
    ticket.team_id = team_id
    await uow.record(ticket, EventType.TEAM_SET, before)
    return ticket


async def assign_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    assignee_id: int,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=None,
        action="assign",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_assign(uow, ticket, assignee_id=assignee_id)


async def unassign_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=None,
        action="unassign",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_unassign(uow, ticket)


async def set_ticket_team(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    team_id: int | None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=None,
        action="set the team of",
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_set_team(uow, ticket, team_id=team_id)
