"""Helpdesk tickets (Gorgias, Zaia): create, take over, complete, reopen, snooze, wake up.

Spam, trash and restore are in helpdesk_flags.py. While a ticket is marked spam or trashed its
lifecycle is frozen: restore it first. Each action on an existing ticket is declared once with
`@ticket_action` (lifecycle.py); setting the team is here too, as the API groups it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict, Unpack

from sqlalchemy import select
from sqlmodel import col

from app.db import Contact, Team, Ticket, User
from app.db.types import utcnow
from app.domain.enums import Circumstance, EventType, HelpdeskStatus, TicketKind
from app.domain.errors import validation
from app.domain.principal import Principal
from app.domain.ticket_input import check_email, check_future, optional_text
from app.live.service_env import ServiceEnv
from app.tickets.command import close_interaction, command, get_row, insert_ticket, open_interaction
from app.tickets.labels import attach_label
from app.tickets.lifecycle import ACTING_USER_ARG, Arg, ticket_action
from app.tickets.messages import put_message
from app.tickets.unit_of_work import UnitOfWork, snapshot, unit_of_work

HELPDESK = TicketKind.HELPDESK
OPEN, ONGOING, SNOOZED, CLOSED = (
    HelpdeskStatus.OPEN,
    HelpdeskStatus.ONGOING,
    HelpdeskStatus.SNOOZED,
    HelpdeskStatus.CLOSED,
)


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
    return await uow.insert(contact)


class HelpdeskTicketFields(TypedDict, total=False):
    """What a new helpdesk ticket may say (all optional): its subject, channel ("api" if
    unsaid), first message, circumstance (HANDOVER if unsaid), language and labels. The command
    and its apply step take the same."""

    subject: str | None
    channel: str | None
    body: str | None
    circumstance: Circumstance
    language: str | None
    labels: Sequence[str]


async def apply_create_helpdesk_ticket(
    uow: UnitOfWork,
    *,
    contact: Contact | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    created_at: datetime | None = None,
    **fields: Unpack[HelpdeskTicketFields],
) -> Ticket:
    """OPEN; ONGOING with an open interaction for a take-over (which needs an assignee)."""
    circumstance = Circumstance(fields.get("circumstance", Circumstance.HANDOVER))
    takeover = circumstance == Circumstance.TAKEOVER
    if takeover and assignee is None:
        raise validation("A take-over needs an assignee.", "assigneeId")
    created = created_at or uow.now
    subject = optional_text(fields.get("subject"), "subject", max_length=1000)
    body = fields.get("body")
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
        channel=optional_text(fields.get("channel", "api"), "channel", max_length=64),
        circumstance=circumstance,
        contact_id=contact.id if contact else None,
        team_id=team.id if team else None,
        assignee_id=assignee.id if assignee else None,
        assigner_id=uow.actor_id if assignee else None,
        language=optional_text(fields.get("language"), "language", max_length=16),
    )
    await insert_ticket(uow, ticket)
    if body is not None:
        await put_message(uow, ticket, body=body, at=created)
    if takeover:
        await open_interaction(uow, ticket, user_id=ticket.assignee_id)
    names = [
        name.strip()
        for name in fields.get("labels", ())
        if await attach_label(uow, ticket, name, None, new_ticket=True)
    ]
    await uow.record(
        ticket, EventType.CREATED, None, changes={"labels": [None, names]} if names else None
    )
    return ticket


@ticket_action(
    "take_over_ticket",
    from_statuses={OPEN},
    to_status=ONGOING,
    event=EventType.TAKEN_OVER,
    description="OPEN -> ONGOING, assigned.",
    input_description="An agent takes an OPEN ticket: ONGOING, assigned to them.",
    args=(
        Arg(
            "assignee_id",
            "Defaults to the key's user.",
            ref="User",
            default=None,
            nullable=True,
            or_actor=True,
        ),
    ),
)
async def apply_take_over(uow: UnitOfWork, ticket: Ticket, *, assignee_id: int) -> None:
    await get_row(uow, User, assignee_id, "assigneeId")
    ticket.ongoing_at = uow.now
    if ticket.assignee_id != assignee_id:
        ticket.assignee_id, ticket.assigner_id = assignee_id, uow.actor_id
    await open_interaction(uow, ticket, user_id=assignee_id)


@ticket_action(
    "complete_ticket",
    from_statuses={OPEN, ONGOING, SNOOZED},
    to_status=CLOSED,
    event=EventType.COMPLETED,
    description="OPEN|ONGOING|SNOOZED -> CLOSED.",
    input_description="Close an OPEN, ONGOING or SNOOZED ticket (CLOSED).",
    args=(ACTING_USER_ARG,),
    actor_as="user_id",
)
async def apply_complete(uow: UnitOfWork, ticket: Ticket, *, user_id: int | None = None) -> None:
    await close_interaction(uow, ticket)
    ticket.closed_at = uow.now
    ticket.snooze_until = None


@ticket_action(
    "reopen_ticket",
    from_statuses={CLOSED},
    to_status=OPEN,
    event=EventType.REOPENED,
    description="CLOSED -> OPEN.",
    input_description="Open a CLOSED ticket again (OPEN).",
    args=(ACTING_USER_ARG,),
)
async def apply_reopen(uow: UnitOfWork, ticket: Ticket) -> None:
    ticket.closed_at = None
    ticket.opened_at = uow.now


@ticket_action(
    "snooze_ticket",
    from_statuses={OPEN, ONGOING},
    to_status=SNOOZED,
    event=EventType.SNOOZED,
    description="OPEN|ONGOING -> SNOOZED; wakes up OPEN.",
    input_description=(
        "Set an OPEN or ONGOING ticket aside until a time (SNOOZED); it wakes up OPEN."
    ),
    args=(Arg("until", "In the future, with a time zone.", type=datetime),),
)
async def apply_snooze(uow: UnitOfWork, ticket: Ticket, *, until: datetime) -> None:
    """Snoozing ends the current session; the ticket wakes up OPEN (wake_due_tickets)."""
    check_future(until, uow.now)
    await close_interaction(uow, ticket)
    ticket.snooze_until = until


# --- waking snoozed tickets: SNOOZED -> OPEN, event WOKEN, no actor ---
# The server runs it about once a minute (maintenance.py); safe to run from several processes.


def _due(now: datetime):
    return (
        Ticket.kind == TicketKind.HELPDESK,
        Ticket.status == HelpdeskStatus.SNOOZED,
        col(Ticket.snooze_until) <= now,
    )


async def apply_wake_due(uow: UnitOfWork, now: datetime) -> int:
    """Wake this workspace's due tickets (re-read under the lock: another process may have)."""
    stmt = (
        select(Ticket)
        .where(col(Ticket.workspace_id) == uow.workspace_id, *_due(now))
        .order_by(col(Ticket.snooze_until), col(Ticket.id))
        .with_for_update()
    )
    woken = 0
    for ticket in (await uow.session.execute(stmt)).scalars():
        before = snapshot(ticket)
        ticket.status = HelpdeskStatus.OPEN
        ticket.snooze_until = None
        await uow.record(ticket, EventType.WOKEN, before, actor_id=None)
        woken += 1
    return woken


async def wake_due_tickets(env: ServiceEnv, now: datetime | None = None) -> int:
    """Wake every due ticket of every workspace, one transaction per workspace."""
    now = now or utcnow()
    async with env.db.read_session() as session:
        stmt = select(col(Ticket.workspace_id)).where(*_due(now)).distinct()
        workspace_ids = list((await session.execute(stmt)).scalars())
    total = 0
    for workspace_id in sorted(workspace_ids):
        async with unit_of_work(env, workspace_id, None) as uow:
            total += await apply_wake_due(uow, now)
    return total


# --- commands ---


async def create_helpdesk_ticket(
    env: ServiceEnv,
    principal: Principal,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    phone_number: str | None = None,
    contact_id: int | None = None,
    team_id: int | None = None,
    assignee_id: int | None = None,
    **fields: Unpack[HelpdeskTicketFields],
) -> Ticket:
    """The contact by id, else found or made from the names given."""
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
            uow, contact=contact, team=team, assignee=assignee, **fields
        )


take_over_ticket = apply_take_over.command
complete_ticket = apply_complete.command
reopen_ticket = apply_reopen.command
snooze_ticket = apply_snooze.command
