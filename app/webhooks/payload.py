"""The JSON body of a delivery: the event as the subscriptions show it, with the ticket as it
is when the event is sent. Contact details (names, phone numbers, emails) stay out: a receiver
that needs them reads the ticket through the API with its own key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Ticket, TicketEvent, User
from app.domain.cursors import encode_event_cursor
from app.domain.global_ids import TICKET, encode_global_id


def _gid(type_name: str, pk: int | None) -> str | None:
    return None if pk is None else encode_global_id(type_name, pk)


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": encode_global_id(TICKET, ticket.id),
        "kind": ticket.kind,
        "state": ticket.state,
        "status": ticket.status,
        "title": ticket.title,
        "version": ticket.version,
        "createdAt": ticket.created_at,
        "updatedAt": ticket.updated_at,
        "closedAt": ticket.closed_at,
        "assigneeId": _gid("User", ticket.assignee_id),
        "teamId": _gid("Team", ticket.team_id),
        "origin": {"system": ticket.origin_system, "externalId": ticket.external_id},
    }
    if ticket.kind == "QUEUE":
        data |= {
            "publicId": ticket.public_id,
            "number": ticket.number,
            "lineId": _gid("Line", ticket.line_id),
            "desk": ticket.desk,
            "calledAt": ticket.called_at,
            "servedAt": ticket.served_at,
        }
    else:
        data |= {
            "subject": ticket.subject,
            "channel": ticket.channel,
            "snoozeUntil": ticket.snooze_until,
            "spam": ticket.spam,
            "trashed": ticket.trashed_at is not None,
        }
    return data


@dataclass(frozen=True)
class EventContext:
    """What the bodies of a batch of events refer to, read once for the batch."""

    workspace_slug: str
    tickets: dict[int, Ticket]
    actors: dict[int, User]


async def load_context(
    session: AsyncSession, workspace_slug: str, events: Iterable[TicketEvent]
) -> EventContext:
    events = list(events)
    ticket_ids = sorted({e.ticket_id for e in events})
    actor_ids = sorted({e.actor_id for e in events if e.actor_id is not None})
    tickets: dict[int, Ticket] = {}
    actors: dict[int, User] = {}
    if ticket_ids:
        stmt = select(Ticket).where(col(Ticket.id).in_(ticket_ids))
        tickets = {t.id: t for t in (await session.execute(stmt)).scalars()}
    if actor_ids:
        users = select(User).where(col(User.id).in_(actor_ids))
        actors = {u.id: u for u in (await session.execute(users)).scalars()}
    return EventContext(workspace_slug, tickets, actors)


def event_body(event: TicketEvent, context: EventContext) -> bytes:
    ticket = context.tickets.get(event.ticket_id)
    actor = None if event.actor_id is None else context.actors.get(event.actor_id)
    body = {
        "id": encode_global_id("TicketEvent", event.id),
        "cursor": encode_event_cursor(event.seq),
        "type": event.type,
        "at": event.at,
        "workspace": context.workspace_slug,
        "ticket": None if ticket is None else ticket_json(ticket),
        "fromState": event.from_state,
        "toState": event.to_state,
        "fromStatus": event.from_status,
        "toStatus": event.to_status,
        "actor": None if actor is None else {"id": _gid("User", actor.id), "name": actor.name},
        "changes": event.changes,
    }
    return orjson.dumps(body, default=str)
