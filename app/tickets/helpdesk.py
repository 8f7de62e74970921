"""Helpdesk tickets (Gorgias, Zaia): create, take over, complete, reopen, snooze.

Spam, trash and restore are in helpdesk_flags.py. While a ticket is marked spam or trashed its
lifecycle is frozen: restore it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from app.db import Contact, Team, Ticket, User
from app.domain.enums import Circumstance, EventType, HelpdeskStatus, TicketKind
from app.domain.errors import DomainError, ErrorCode, validation
from app.domain.principal import Principal
from app.domain.states import check_helpdesk_action
from app.domain.ticket_input import check_email, check_future, optional_text
from app.tickets.command import (
    close_interaction,
    command,
    get_row,
    mark_new,
    open_interaction,
    ticket_command,
)
from app.tickets.labels import attach_label
from app.tickets.messages import put_message
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot

HELPDESK = TicketKind.HELPDESK


def check_action(action: str, ticket: Ticket) -> None:
    if ticket.spam or ticket.trashed_at is not None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"Cannot {action} a ticket marked spam or trashed.",
            None,
        )
    check_helpdesk_action(action, ticket.status)


async def find_or_make_contact(
    uow: UnitOfWork,
    *,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone_number: str | None,
) -> Contact | None:
    """The workspace's contact with this email, else a new one; None without any detail."""
    email = check_email(email)
    first = optional_text(first_name, "firstName")
    last = optional_text(last_name, "lastName")
    phone = optional_text(phone_number, "phoneNumber", max_length=64)
    if email is not None:
        stmt = select(Contact).where(
            col(Contact.workspace_id) == uow.workspace_id, col(Contact.email) == email
        )
        found = (await uow.session.execute(stmt.limit(1))).scalar_one_or_none()
        if found is not None:
            return found
    if not (email or first or last or phone):
        return None
    name = " ".join(part for part in (first, last) if part) or None
    contact = Contact(
        workspace_id=uow.workspace_id,
        name=name,
        first_name=first,
        last_name=last,
        email=email,
        phone_number=phone,
    )
    uow.session.add(contact)
    await uow.session.flush()
    return contact


async def apply_create_helpdesk_ticket(
    uow: UnitOfWork,
    *,
    subject: str | None = None,
    channel: str | None = "api",
    body: str | None = None,
    contact: Contact | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    circumstance: Circumstance = Circumstance.HANDOVER,
    language: str | None = None,
    labels: Sequence[str] = (),
    created_at: datetime | None = None,
) -> Ticket:
    """OPEN; ONGOING with an open interaction for a take-over (which needs an assignee)."""
    circumstance = Circumstance(circumstance)
    takeover = circumstance == Circumstance.TAKEOVER
    if takeover and assignee is None:
        raise validation("A take-over needs an assignee.", "assigneeId")
    created = created_at or uow.now
    subject = optional_text(subject, "subject", max_length=1000)
    ticket = Ticket(
        workspace_id=uow.workspace_id,
        kind=HELPDESK,
        status=HelpdeskStatus.ONGOING if takeover else HelpdeskStatus.OPEN,
        state="OPEN",
        title=subject or (contact.name or contact.email if contact else None),
        created_at=created,
        updated_at=created,
        opened_at=created,
        ongoing_at=created if takeover else None,
        subject=subject,
        channel=optional_text(channel, "channel", max_length=64),
        circumstance=circumstance,
        contact_id=contact.id if contact else None,
        team_id=team.id if team else None,
        assignee_id=assignee.id if assignee else None,
        assigner_id=uow.actor_id if assignee else None,
        language=optional_text(language, "language", max_length=16),
    )
    uow.session.add(ticket)
    await uow.session.flush()
    mark_new(uow, ticket)
    if body is not None:
        await put_message(uow, ticket, body=body, at=created)
    if takeover:
        await open_interaction(uow, ticket, user_id=ticket.assignee_id)
    names = [
        name.strip()
        for name in labels
        if await attach_label(uow, ticket, name, None, new_ticket=True)
    ]
    await uow.record(
        ticket, EventType.CREATED, None, changes={"labels": [None, names]} if names else None
    )
    return ticket


async def apply_take_over(uow: UnitOfWork, ticket: Ticket, *, assignee_id: int) -> Ticket:
    check_action("take over", ticket)
    await get_row(uow, User, assignee_id, "assigneeId")
    before = snapshot(ticket)
    ticket.status = HelpdeskStatus.ONGOING
    ticket.ongoing_at = uow.now
    if ticket.assignee_id != assignee_id:
        ticket.assignee_id, ticket.assigner_id = assignee_id, uow.actor_id
    await open_interaction(uow, ticket, user_id=assignee_id)
    await uow.record(ticket, EventType.TAKEN_OVER, before)
    return ticket


async def apply_complete(uow: UnitOfWork, ticket: Ticket, *, user_id: int | None = None) -> Ticket:
    check_action("complete", ticket)
    before = snapshot(ticket)
    await close_interaction(uow, ticket)
    ticket.status = HelpdeskStatus.CLOSED
    ticket.closed_at = uow.now
    ticket.snooze_until = None
    await uow.record(ticket, EventType.COMPLETED, before, actor_id=user_id)
    return ticket


async def apply_reopen(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    check_action("reopen", ticket)
    before = snapshot(ticket)
    ticket.status = HelpdeskStatus.OPEN
    ticket.closed_at = None
    ticket.opened_at = uow.now
    await uow.record(ticket, EventType.REOPENED, before)
    return ticket


async def apply_snooze(uow: UnitOfWork, ticket: Ticket, *, until: datetime) -> Ticket:
    """Snoozing ends the current session; the ticket wakes up OPEN (snooze.py)."""
    check_action("snooze", ticket)
    check_future(until, uow.now)
    before = snapshot(ticket)
    await close_interaction(uow, ticket)
    ticket.status = HelpdeskStatus.SNOOZED
    ticket.snooze_until = until
    await uow.record(ticket, EventType.SNOOZED, before)
    return ticket


# --- commands ---


async def create_helpdesk_ticket(
    env: ServiceEnv,
    principal: Principal,
    *,
    subject: str | None = None,
    channel: str | None = "api",
    body: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    phone_number: str | None = None,
    contact_id: int | None = None,
    team_id: int | None = None,
    assignee_id: int | None = None,
    circumstance: Circumstance = Circumstance.HANDOVER,
    language: str | None = None,
    labels: Sequence[str] = (),
) -> Ticket:
    async with command(env, principal) as uow:
        contact: Contact | None
        if contact_id is not None:
            contact = await get_row(uow, Contact, contact_id, "contactId")
        else:
            contact = await find_or_make_contact(
                uow,
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone_number=phone_number,
            )
        team = None if team_id is None else await get_row(uow, Team, team_id, "teamId")
        assignee = (
            None if assignee_id is None else await get_row(uow, User, assignee_id, "assigneeId")
        )
        return await apply_create_helpdesk_ticket(
            uow,
            subject=subject,
            channel=channel,
            body=body,
            contact=contact,
            team=team,
            assignee=assignee,
            circumstance=circumstance,
            language=language,
            labels=labels,
        )


async def take_over_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    assignee_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The assignee defaults to the caller."""
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=HELPDESK,
        action="take over",
        expected_version=expected_version,
    ) as (uow, ticket):
        assignee = uow.actor if assignee_id is None else assignee_id
        return await apply_take_over(uow, ticket, assignee_id=assignee)


async def complete_ticket(
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
        kind=HELPDESK,
        action="complete",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_complete(uow, ticket)


async def reopen_ticket(
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
        kind=HELPDESK,
        action="reopen",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_reopen(uow, ticket)


async def snooze_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    until: datetime,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env, principal, ticket_id, kind=HELPDESK, action="snooze", expected_version=expected_version
    ) as (uow, ticket):
        return await apply_snooze(uow, ticket, until=until)
