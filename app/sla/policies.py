"""Which SLA policy applies to a ticket: the first that matches, by priority.

A policy's conditions are lists (kinds, lines, teams, labels, channels); an empty list matches
every ticket, a non-empty one a ticket with one of its values; all conditions must hold.
Policies are tried from the highest priority down, the older first on a tie. The policy is
chosen once, when the ticket is created (or first imported); later changes to the ticket or
new policies leave its running timers as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import SlaPolicy


@dataclass(frozen=True)
class TicketTraits:
    """What policies look at."""

    kind: str
    line_id: int | None
    team_id: int | None
    channel: str | None
    labels: frozenset[str]


def matches(policy: SlaPolicy, ticket: TicketTraits) -> bool:
    def allowed(values: Sequence[object], value: object) -> bool:
        return not values or value in values

    return (
        allowed(policy.kinds, ticket.kind)
        and allowed(policy.line_ids, ticket.line_id)
        and allowed(policy.team_ids, ticket.team_id)
        and allowed([c.lower() for c in policy.channels], (ticket.channel or "").lower())
        and (not policy.label_names or not ticket.labels.isdisjoint(policy.label_names))
    )


def first_match(policies: Iterable[SlaPolicy], ticket: TicketTraits) -> SlaPolicy | None:
    """`policies` in priority order (see `policies_in_order`)."""
    for policy in policies:
        if matches(policy, ticket):
            return policy
    return None


async def policies_in_order(session: AsyncSession, workspace_id: int) -> list[SlaPolicy]:
    stmt = (
        select(SlaPolicy)
        .where(col(SlaPolicy.workspace_id) == workspace_id)
        .order_by(col(SlaPolicy.priority).desc(), col(SlaPolicy.id))
    )
    return list((await session.execute(stmt)).scalars())
