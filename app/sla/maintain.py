"""Keeping SLA timers in step with their tickets, inside the command's own transaction.

Registered as a finish step of every unit of work (app.tickets.unit_of_work.FINISH_STEPS): after
a command (a mutation, a vendor webhook, an import batch, the snooze waker) has changed its
tickets and before its events are written, the timers of every ticket it touched are brought to
what the ticket now is. So a timer can never disagree with a committed ticket, whichever code
path made the change. Workspaces without SLA policies skip all of it (the flag is read with
the ticket or the workspace lock, and again by the event counter: UnitOfWork._late_finish).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from app.db import Label, Message, SlaPolicy, SlaTimer, Ticket, TicketLabel, Workspace
from app.db.sla import NEVER_DUE
from app.domain.enums import (
    EventType,
    HelpdeskStatus,
    MessageDirection,
    SlaMetric,
    TicketKind,
    TicketState,
)
from app.sla import timers
from app.sla.calendar import Calendar
from app.sla.calendar_store import load_calendars
from app.sla.policies import TicketTraits, first_match, policies_in_order
from app.tickets.unit_of_work import FINISH_STEPS, UnitOfWork

SLA_EVENTS = frozenset({EventType.SLA_WARNING.value, EventType.SLA_BREACHED.value})


def _targets(policy: SlaPolicy, kind: str) -> list[tuple[SlaMetric, int]]:
    wanted = []
    if kind == TicketKind.HELPDESK and policy.first_response_seconds:
        wanted.append((SlaMetric.FIRST_RESPONSE, policy.first_response_seconds))
    if policy.resolution_seconds:
        wanted.append((SlaMetric.RESOLUTION, policy.resolution_seconds))
    if kind == TicketKind.QUEUE and policy.max_wait_seconds:
        wanted.append((SlaMetric.WAIT, policy.max_wait_seconds))
    return wanted


def _awaiting_customer(ticket: Any) -> bool:
    """The last message was ours: the customer's turn (helpdesk)."""
    last, received = ticket.last_message_at, ticket.last_received_message_at
    return last is not None and (received is None or last > received)


def _paused(ticket: Any, timer: SlaTimer) -> bool:
    """By the pause rules the timer started with (its policy's then)."""
    if ticket.kind != TicketKind.HELPDESK:
        return False
    if timer.pause_while_snoozed and ticket.status == HelpdeskStatus.SNOOZED:
        return True
    return timer.pause_while_awaiting_customer and _awaiting_customer(ticket)


def _at(when: datetime | None, now: datetime) -> datetime:
    return now if when is None else min(when, now)


def step(
    ticket: Any,
    timer: SlaTimer,
    calendar: Calendar | None,
    first_reply_at: datetime | None,
    now: datetime,
) -> list[timers.Announcement]:
    """Bring one timer to what its ticket is now; returns what came due on the way."""
    state = ticket.state
    metric = timer.metric
    if timers.is_stopped(timer):
        active = state not in (TicketState.RESOLVED, TicketState.CANCELLED)
        if metric == SlaMetric.RESOLUTION and active:
            timers.restart(timer, calendar, now)  # reopened
        else:
            return []
    if state == TicketState.CANCELLED:
        return timers.stop(timer, calendar, now, cancelled=True)
    if metric == SlaMetric.FIRST_RESPONSE and first_reply_at is not None:
        return timers.stop(timer, calendar, _at(first_reply_at, now))
    if metric == SlaMetric.WAIT and ticket.called_at is not None:
        return timers.stop(timer, calendar, _at(ticket.called_at, now))
    if state == TicketState.RESOLVED:
        resolved_at = ticket.served_at if ticket.kind == TicketKind.QUEUE else ticket.closed_at
        return timers.stop(timer, calendar, _at(resolved_at, now))
    if _paused(ticket, timer):
        return timers.pause(timer, calendar, now)
    timers.resume(timer, calendar, now)
    return []


async def _first_replies(uow: UnitOfWork, ticket_ids: list[int]) -> dict[int, datetime]:
    if not ticket_ids:
        return {}
    stmt = (
        select(col(Message.ticket_id), func.min(col(Message.created_at)))
        .where(
            col(Message.ticket_id).in_(ticket_ids),
            col(Message.direction) == MessageDirection.OUTGOING.value,
            col(Message.public).is_(True),
        )
        .group_by(col(Message.ticket_id))
    )
    return {tid: at for tid, at in (await uow.session.execute(stmt)).all()}


async def _labels(uow: UnitOfWork, ticket_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if ticket_ids:
        stmt = (
            select(col(TicketLabel.ticket_id), col(Label.name))
            .join(Label, col(Label.id) == col(TicketLabel.label_id))
            .where(col(TicketLabel.ticket_id).in_(ticket_ids))
        )
        for tid, name in (await uow.session.execute(stmt)).all():
            found[tid].add(name)
    return found


def _traits(ticket: Any, labels: set[str]) -> TicketTraits:
    return TicketTraits(
        ticket.kind, ticket.line_id, ticket.team_id, ticket.channel, frozenset(labels)
    )


async def maintain_timers(uow: UnitOfWork) -> None:
    if uow.sla_active is None and uow.events:
        # Neither the workspace lock nor the ticket's load read it (a command of its own).
        workspace = await uow.session.get(Workspace, uow.workspace_id)
        uow.sla_active = bool(workspace and workspace.sla_active)
    if not uow.sla_active:
        return
    touched = {e.ticket_id for e in uow.events if e.type not in SLA_EVENTS}
    if not touched:
        return
    created = {e.ticket_id for e in uow.events if e.from_state is None and e.type not in SLA_EVENTS}
    session = uow.session
    await session.flush()  # messages and labels added by the command
    ids = sorted(touched)
    by_ticket: dict[int, list[SlaTimer]] = defaultdict(list)
    older = [tid for tid in ids if tid not in created]  # tickets made here have no timers yet
    if older:
        stmt = select(SlaTimer).where(col(SlaTimer.ticket_id).in_(older))
        for timer in (await session.execute(stmt)).scalars():
            by_ticket[timer.ticket_id].append(timer)
    fresh = [tid for tid in ids if tid in created]
    if not fresh and not by_ticket:
        return
    policies = await policies_in_order(session, uow.workspace_id) if fresh else []
    calendars = await load_calendars(
        session,
        [t.calendar_id for group in by_ticket.values() for t in group]
        + ([p.calendar_id for p in policies] if fresh else []),
    )
    labels = await _labels(uow, fresh)
    for tid in fresh:
        ticket = uow.tickets[tid]
        policy = first_match(policies, _traits(ticket, labels.get(tid, set())))
        if policy is not None:
            calendar = calendars.get(policy.calendar_id) if policy.calendar_id else None
            by_ticket[tid] = _start(uow, ticket, policy, calendar)
    replying = [
        tid
        for tid, group in by_ticket.items()
        if any(t.metric == SlaMetric.FIRST_RESPONSE and not timers.is_stopped(t) for t in group)
    ]
    replies = await _first_replies(uow, replying)
    announcements: list[timers.Announcement] = []
    due_updates = []
    for tid, group in by_ticket.items():
        ticket = uow.tickets[tid]
        for timer in group:
            calendar = calendars.get(timer.calendar_id) if timer.calendar_id else None
            said = step(ticket, timer, calendar, replies.get(tid), uow.now)
            if tid in fresh and timer.id is None:
                continue  # history: a timer that starts and ends in one write says nothing
            announcements += said
        due_at = min((t.due_at for t in group if t.running_since and t.due_at), default=NEVER_DUE)
        if getattr(ticket, "sla_due_at", None) != due_at:
            due_updates.append({"ticket_id": tid, "due_at": due_at})
        session.add_all(group)
    for announcement in announcements:
        await record_announcement(uow, uow.tickets[announcement.ticket_id], announcement)
    if due_updates:
        await set_due_times(uow, due_updates)


def _start(
    uow: UnitOfWork, ticket: Any, policy: SlaPolicy, calendar: Calendar | None
) -> list[SlaTimer]:
    at = min(ticket.created_at, uow.now)
    return [
        timers.start(
            workspace_id=uow.workspace_id,
            ticket_id=ticket.id,
            policy_id=policy.id,  # type: ignore[arg-type]  # the policy row is stored: its id is set
            calendar_id=policy.calendar_id,
            calendar=calendar,
            metric=metric,
            target_seconds=target,
            warn_before_seconds=policy.warn_before_seconds,
            at=at,
            pause_while_snoozed=policy.pause_while_snoozed,
            pause_while_awaiting_customer=policy.pause_while_awaiting_customer,
        )
        for metric, target in _targets(policy, ticket.kind)
    ]


async def record_announcement(uow: UnitOfWork, ticket: Any, said: timers.Announcement) -> None:
    before = {"state": ticket.state, "status": ticket.status}
    await uow.record(ticket, said.type, before, touch=False, changes=said.changes())


_ticket = Ticket.__table__  # type: ignore[attr-defined]  # SQLModel declares no __table__
_SET_DUE = (
    update(_ticket)
    .where(_ticket.c.id == bindparam("ticket_id"))
    .values(sla_due_at=bindparam("due_at"))
)


async def set_due_times(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Ticket.sla_due_at, by a statement (bulk-inserted tickets have no ORM row to set)."""
    await uow.session.execute(_SET_DUE, rows)
    for row in rows:
        ticket = uow.tickets.get(row["ticket_id"])
        if isinstance(ticket, Ticket):
            # The ORM row must not read as stale (nor write a stale value back).
            set_committed_value(ticket, "sla_due_at", row["due_at"])


def install() -> None:
    if maintain_timers not in FINISH_STEPS:
        FINISH_STEPS.append(maintain_timers)
