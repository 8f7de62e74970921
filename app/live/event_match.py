"""In-memory twin of event_log.events_query: lets the feed read a batch once and filter it per
subscriber. The two must agree; tests/services/test_event_feed.py runs both on the same events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Ticket, TicketEvent
from app.domain.event_filter import EventFilter


@dataclass(frozen=True)
class TicketFacts:
    """The ticket columns a filter may ask about, as they are now."""

    kind: str
    line_id: int | None
    team_id: int | None
    assignee_id: int | None


async def load_ticket_facts(
    session: AsyncSession, ticket_ids: Iterable[int]
) -> dict[int, TicketFacts]:
    ids = sorted(set(ticket_ids))
    if not ids:
        return {}
    stmt = select(
        col(Ticket.id),
        col(Ticket.kind),
        col(Ticket.line_id),
        col(Ticket.team_id),
        col(Ticket.assignee_id),
    ).where(col(Ticket.id).in_(ids))
    rows = (await session.execute(stmt)).all()
    return {r.id: TicketFacts(r.kind, r.line_id, r.team_id, r.assignee_id) for r in rows}


def _differs(old: str | None, new: str | None) -> bool:
    # SQL semantics: a comparison with NULL is not true.
    return old is not None and new is not None and old != new


def event_matches(event: TicketEvent, f: EventFilter, facts: TicketFacts | None) -> bool:
    if f.ticket_ids and event.ticket_id not in f.ticket_ids:
        return False
    if f.states and event.to_state not in {s.value for s in f.states}:
        return False
    if f.types and event.type not in f.types:
        return False
    if f.status_changes_only and not (
        event.from_state is None
        or _differs(event.from_state, event.to_state)
        or _differs(event.from_status, event.to_status)
    ):
        return False
    if f.needs_ticket:
        if facts is None:
            return False
        if f.kinds and facts.kind not in {k.value for k in f.kinds}:
            return False
        if f.line_ids and facts.line_id not in f.line_ids:
            return False
        if f.team_ids and facts.team_id not in f.team_ids:
            return False
        if f.assignee_ids and facts.assignee_id not in f.assignee_ids:
            return False
    return True
