"""A workspace with lines, users and a team, and readers for what a command left behind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.access.setup import create_line, create_team, create_user
from app.db import Interaction, Line, Team, Ticket, TicketEvent, User
from app.domain.enums import Role
from app.domain.principal import Principal
from app.live.service_env import ServiceEnv


@dataclass
class Ctx:
    env: ServiceEnv
    admin: Principal
    clerk: User
    other_clerk: User
    line_a: Line
    line_b: Line
    team: Team

    @property
    def ws(self) -> int:
        return self.admin.workspace_id

    def as_user(self, user: User) -> Principal:
        return Principal(self.ws, user.id, Role.AGENT, 0)  # type: ignore[arg-type]


async def make_ctx(db, make_workspace) -> Ctx:  # type: ignore[no-untyped-def]
    new = await make_workspace()
    env = ServiceEnv(db)
    admin = Principal(new.workspace.id, new.admin.id, Role.ADMIN, 0)  # type: ignore[arg-type]
    clerk = await create_user(env, admin, name="Clara Clerk", email="clara@example.com")
    other = await create_user(env, admin, name="Otto Other", email="otto@example.com")
    line_a = await create_line(env, admin, name="Reception", prefix="A")
    line_b = await create_line(env, admin, name="Pharmacy", prefix="P")
    team = await create_team(env, admin, name="Tier 1")
    return Ctx(env, admin, clerk, other, line_a, line_b, team)


async def fetch_ticket(ctx: Ctx, ticket_id: int) -> Ticket:
    async with ctx.env.db.read_session() as session:
        return (await session.execute(select(Ticket).where(Ticket.id == ticket_id))).scalar_one()


async def events_of(ctx: Ctx, ticket_id: int) -> list[tuple[str, str | None, str, str | None, str]]:
    """(type, from_state, to_state, from_status, to_status) in log order."""
    async with ctx.env.db.read_session() as session:
        stmt = (
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.seq)  # type: ignore[arg-type]
        )
        rows = (await session.execute(stmt)).scalars().all()
    return [(e.type, e.from_state, e.to_state, e.from_status, e.to_status) for e in rows]


async def event_count(ctx: Ctx) -> int:
    async with ctx.env.db.read_session() as session:
        stmt = (
            select(func.count()).select_from(TicketEvent).where(TicketEvent.workspace_id == ctx.ws)
        )
        return (await session.execute(stmt)).scalar_one()


async def interactions_of(ctx: Ctx, ticket_id: int) -> list[Interaction]:
    async with ctx.env.db.read_session() as session:
        stmt = (
            select(Interaction).where(Interaction.ticket_id == ticket_id).order_by(Interaction.id)  # type: ignore[arg-type]
        )
        return list((await session.execute(stmt)).scalars())


async def assert_refused(ctx: Ctx, ticket_id: int, call, code):  # type: ignore[no-untyped-def]
    """The command raises `code`, and the ticket and the event log are untouched."""
    from app.domain.errors import DomainError

    before = await fetch_ticket(ctx, ticket_id)
    events = await event_count(ctx)
    try:
        await call()
    except DomainError as error:
        assert error.code == code, (error.code, error.message)
    else:
        raise AssertionError("the command was not refused")
    after = await fetch_ticket(ctx, ticket_id)
    assert (after.status, after.state, after.version) == (
        before.status,
        before.state,
        before.version,
    )
    assert await event_count(ctx) == events
