"""What every ticket command starts with: the transaction, the ticket loaded for update, the
rows it refers to checked against the workspace, and the interaction bookkeeping.

A ticket command (`ticket_command`) is not serial: it locks its ticket's row, so writes to one
ticket queue up (version checks and lifecycle rules see the previous write) while writes to
other tickets of the workspace run beside it; the workspace row is taken only by the last
statement (app.tickets.unit_of_work). Other commands are serial unless they say otherwise.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Select, bindparam, select
from sqlmodel import col

from app.db import Contact, Interaction, Line, Team, Ticket, User, Workspace
from app.domain.enums import TicketKind
from app.domain.errors import DomainError, ErrorCode, not_found
from app.domain.principal import Principal
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import UnitOfWork, unit_of_work

Row = TypeVar("Row", Contact, Line, Team, User)
_WHAT: dict[type[Any], str] = {Contact: "Contact", Line: "Line", Team: "Team", User: "User"}


# Per-transaction memo (time zone, labels, today's numbers): a batch of steps in one unit of
# work (demo, import) looks the same rows up again and again. Safe: those batches are serial
# (the workspace is locked); a single-ticket command looks each row up once anyway.
_MEMOS: WeakKeyDictionary[UnitOfWork, dict[Any, Any]] = WeakKeyDictionary()


def memo(uow: UnitOfWork) -> dict[Any, Any]:
    return _MEMOS.setdefault(uow, {})


@asynccontextmanager
async def command(
    env: ServiceEnv, principal: Principal, user_id: int | None = None, *, serial: bool = True
) -> AsyncIterator[UnitOfWork]:
    """A unit of work whose actor is `user_id` when given (checked), else the caller.
    `serial=False` for a command that locks what its rules depend on itself."""
    actor = principal.user_id if user_id is None else user_id
    async with unit_of_work(env, principal.workspace_id, actor, serial=serial) as uow:
        if user_id is not None:
            await get_row(uow, User, user_id, "userId")
        yield uow


async def get_row(
    uow: UnitOfWork, model: type[Row], row_id: int, field: str, *, lock: bool = False
) -> Row:
    """A line, team or user of this workspace; another workspace's is NOT_FOUND.

    `lock`: hold the row until COMMIT (FOR NO KEY UPDATE: inserts referencing it still pass),
    for rules that count on it staying put, such as the numbering of a line's tickets."""
    if lock and not uow.serial:
        stmt = select(model).where(col(model.id) == row_id).with_for_update(key_share=True)
        row = (await uow.session.execute(stmt)).scalar_one_or_none()
    else:
        row = await uow.session.get(model, row_id)
    if row is None or row.workspace_id != uow.workspace_id:
        raise not_found(_WHAT[model], field)
    return row


def _ticket_for_update(*, lock_actor: bool) -> Select[Ticket, bool]:
    """The ticket (of the workspace) with the workspace's SLA flag, FOR NO KEY UPDATE; with
    the acting user's row too when `lock_actor`. Built once: building it per command cost more
    than running it (~0.15 ms of Python)."""
    stmt = (
        select(Ticket, col(Workspace.sla_active))
        .join(Workspace, col(Workspace.id) == col(Ticket.workspace_id))
        .where(
            col(Ticket.id) == bindparam("ticket_id"),
            col(Ticket.workspace_id) == bindparam("workspace_id"),
        )
    )
    if lock_actor:
        return stmt.join(User, col(User.id) == bindparam("actor_id")).with_for_update(
            of=[Ticket, User], key_share=True
        )
    return stmt.with_for_update(of=Ticket, key_share=True)


_TICKET = _ticket_for_update(lock_actor=False)
_TICKET_AND_ACTOR = _ticket_for_update(lock_actor=True)


async def load_ticket(
    uow: UnitOfWork,
    ticket_id: int,
    *,
    kind: TicketKind | None,
    action: str,
    expected_version: int | None = None,
    field: str = "id",
    lock_actor: bool = False,
) -> Ticket:
    """The ticket, locked for update, of the right kind and at the expected version.

    `lock_actor`: lock the actor's user row in the same statement, so two commands of one
    agent whose rules span that agent's tickets (a call serves the agent's previous ticket)
    run one after the other. FOR NO KEY UPDATE: inserts referencing the rows still pass."""
    # Whether the workspace has SLA policies comes along (unlocked): the finish steps read it
    # (app.sla), and then it costs no statement of its own.
    params = {"ticket_id": ticket_id, "workspace_id": uow.workspace_id}
    stmt = _TICKET
    if lock_actor and uow.actor_id is not None and not uow.serial:
        stmt, params["actor_id"] = _TICKET_AND_ACTOR, uow.actor_id
    row = (await uow.session.execute(stmt, params)).one_or_none()
    if row is None:
        raise not_found("Ticket", field)
    ticket, sla_active = row
    if uow.sla_active is None:
        uow.sla_active = bool(sla_active)
    if kind is not None and ticket.kind != kind:
        raise wrong_kind(action, ticket.kind)
    if expected_version is not None and ticket.version != expected_version:
        raise DomainError(
            ErrorCode.CONFLICT, "The ticket was changed since that version.", "expectedVersion"
        )
    return ticket


@asynccontextmanager
async def ticket_command(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    kind: TicketKind | None,
    action: str,
    user_id: int | None = None,
    expected_version: int | None = None,
    lock_actor: bool = False,
) -> AsyncIterator[tuple[UnitOfWork, Ticket]]:
    """The usual command: one transaction (see `command`) with the ticket loaded for update;
    not serial: the ticket's lock is what orders it (see load_ticket for `lock_actor`)."""
    async with command(env, principal, user_id, serial=False) as uow:
        ticket = await load_ticket(
            uow,
            ticket_id,
            kind=kind,
            action=action,
            expected_version=expected_version,
            lock_actor=lock_actor,
        )
        yield uow, ticket


def wrong_kind(action: str, kind: str) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_TRANSITION, f"Cannot {action} a {kind.lower()} ticket.", None
    )


async def open_interaction(
    uow: UnitOfWork, ticket: Ticket, *, user_id: int | None, desk: int | None = None
) -> Interaction:
    row = Interaction(
        workspace_id=uow.workspace_id,
        ticket_id=ticket.id,
        start=uow.now,
        line_id=ticket.line_id,
        desk=desk,
        user_id=user_id,
    )
    uow.session.add(row)
    known = memo(uow).get(("interactions", ticket.id))
    if known is not None:
        known.append(row)
    return row


async def insert_ticket(uow: UnitOfWork, ticket: Ticket) -> None:
    """Insert a ticket this command makes: its id is known from here on, and its interactions
    are all in the memo (none yet), so closing them asks the database nothing."""
    await uow.insert(ticket)
    memo(uow)[("interactions", ticket.id)] = []


async def close_interaction(uow: UnitOfWork, ticket: Ticket) -> None:
    """End the ticket's open interaction, if it has one."""
    known = memo(uow).get(("interactions", ticket.id))
    if known is not None:  # a ticket made in this transaction: no need to ask the database
        for row in known:
            row.end = row.end or uow.now
        return
    stmt = select(Interaction).where(
        col(Interaction.ticket_id) == ticket.id,
        col(Interaction.end).is_(None),
    )
    for row in (await uow.session.execute(stmt)).scalars():
        row.end = uow.now
