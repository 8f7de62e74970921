"""DataLoaders: every relation of the GraphQL read side, batched, scoped to one workspace.

Build a fresh `Loaders` per request (and per subscription event): loaders cache, and a cache
that outlives its request would serve stale rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from app.db.engine import Database
from app.loaders.by_id import (
    ContactByIdLoader,
    LabelByIdLoader,
    LineByIdLoader,
    MessageByIdLoader,
    TeamByIdLoader,
    TicketByIdLoader,
    TicketEventByIdLoader,
    UserByIdLoader,
)
from app.loaders.by_ticket import (
    ExtraFieldsByTicketIdLoader,
    InteractionsByTicketIdLoader,
    LabelsByTicketIdLoader,
)
from app.loaders.pages import (
    MessagesByTicketIdLoader,
    PageKey,
    RowPage,
    TicketEventsByTicketIdLoader,
)
from app.loaders.positions import QueuePositionByTicketIdLoader

# Loaders whose values depend on one ticket's rows: cleared by Loaders.clear_ticket().
_PER_TICKET = ("labels", "interactions", "extra")
# Keyed by (ticket_id, first, after) or affected by other tickets: cleared whole.
_WHOLE = ("messages", "history", "queue_position")


@dataclass
class Loaders:
    ticket: TicketByIdLoader
    user: UserByIdLoader
    team: TeamByIdLoader
    line: LineByIdLoader
    contact: ContactByIdLoader
    label: LabelByIdLoader
    message: MessageByIdLoader
    event: TicketEventByIdLoader
    labels: LabelsByTicketIdLoader
    interactions: InteractionsByTicketIdLoader
    extra: ExtraFieldsByTicketIdLoader
    messages: MessagesByTicketIdLoader
    history: TicketEventsByTicketIdLoader
    queue_position: QueuePositionByTicketIdLoader

    @classmethod
    def for_workspace(cls, db: Database, workspace_id: int, *, shared: bool = False) -> Loaders:
        """`shared`: used by several concurrent consumers (see WorkspaceLoader.load)."""
        return cls(
            **{f.name: _LOADER_TYPES[f.name](db, workspace_id, shared=shared) for f in fields(cls)}  # type: ignore[arg-type]
        )

    def prime_ticket(self, row: Any) -> None:
        """Seed the ticket loader with a row just written (e.g. a mutation's result)."""
        self.ticket.clear(row.id).prime(row.id, row)

    def clear_ticket(self, ticket_id: int) -> None:
        """Forget everything cached about one ticket after a write to it."""
        self.ticket.clear(ticket_id)
        for name in _PER_TICKET:
            getattr(self, name).clear(ticket_id)
        for name in _WHOLE:
            getattr(self, name).clear_all()

    def clear_all(self) -> None:
        for f in fields(self):
            getattr(self, f.name).clear_all()


_LOADER_TYPES: dict[str, Any] = {
    "ticket": TicketByIdLoader,
    "user": UserByIdLoader,
    "team": TeamByIdLoader,
    "line": LineByIdLoader,
    "contact": ContactByIdLoader,
    "label": LabelByIdLoader,
    "message": MessageByIdLoader,
    "event": TicketEventByIdLoader,
    "labels": LabelsByTicketIdLoader,
    "interactions": InteractionsByTicketIdLoader,
    "extra": ExtraFieldsByTicketIdLoader,
    "messages": MessagesByTicketIdLoader,
    "history": TicketEventsByTicketIdLoader,
    "queue_position": QueuePositionByTicketIdLoader,
}

__all__ = ["Loaders", "PageKey", "RowPage"]
