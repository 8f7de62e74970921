"""DataLoaders: every relation of the GraphQL read side, batched, scoped to one workspace.

Build a fresh `Loaders` per request (and per subscription event): loaders cache, and a cache
that outlives its request would serve stale rows. May import: app.db, app.domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from app.db.engine import Database
from app.loaders.base import WorkspaceLoader
from app.loaders.by_id import (
    ContactByIdLoader,
    LabelByIdLoader,
    LineByIdLoader,
    LocationByIdLoader,
    MessageByIdLoader,
    SlaCalendarByIdLoader,
    SlaPolicyByIdLoader,
    TeamByIdLoader,
    TicketByIdLoader,
    TicketDocumentsLoader,
    TicketEventByIdLoader,
    UserByIdLoader,
)
from app.loaders.by_ticket import (
    ExtraFieldsByTicketIdLoader,
    InteractionsByTicketIdLoader,
    LabelsByTicketIdLoader,
    SlaTimersByTicketIdLoader,
)
from app.loaders.pages import (
    MessagesByTicketIdLoader,
    PageKey,
    RowPage,
    TicketEventsByTicketIdLoader,
)
from app.loaders.positions import QueuePositionByTicketIdLoader
from app.loaders.webhooks import DeliveriesByEndpointLoader, DeliveryPage, DeliveryPageKey

# Loaders whose values depend on one ticket's rows: cleared by Loaders.clear_ticket().
_PER_TICKET = ("labels", "interactions", "extra", "sla_timers")
# Keyed by (ticket_id, first, after) or affected by other tickets: cleared whole.
_WHOLE = ("messages", "history", "queue_position")

L = TypeVar("L", bound=WorkspaceLoader[Any, Any])
T = TypeVar("T")


class _Loader(Generic[L]):
    """A `Loaders` attribute: the loader of this type, built on first use. A request needs a
    few of the fourteen, and building all of them was ~2.5% of a single ticket's CPU."""

    def __init__(self, loader_type: type[L]) -> None:
        self.loader_type = loader_type

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, loaders: Loaders, owner: type) -> L:
        loader = self.loader_type(loaders.db, loaders.workspace_id, shared=loaders.shared)
        # Not a data descriptor: from now on the instance's attribute is found first.
        loaders.__dict__[self.name] = loader
        return loader


class Loaders:
    ticket = _Loader(TicketByIdLoader)
    ticket_documents = _Loader(TicketDocumentsLoader)
    user = _Loader(UserByIdLoader)
    team = _Loader(TeamByIdLoader)
    line = _Loader(LineByIdLoader)
    location = _Loader(LocationByIdLoader)
    contact = _Loader(ContactByIdLoader)
    label = _Loader(LabelByIdLoader)
    message = _Loader(MessageByIdLoader)
    event = _Loader(TicketEventByIdLoader)
    labels = _Loader(LabelsByTicketIdLoader)
    interactions = _Loader(InteractionsByTicketIdLoader)
    extra = _Loader(ExtraFieldsByTicketIdLoader)
    messages = _Loader(MessagesByTicketIdLoader)
    history = _Loader(TicketEventsByTicketIdLoader)
    queue_position = _Loader(QueuePositionByTicketIdLoader)
    sla_timers = _Loader(SlaTimersByTicketIdLoader)
    sla_policy = _Loader(SlaPolicyByIdLoader)
    sla_calendar = _Loader(SlaCalendarByIdLoader)
    webhook_deliveries = _Loader(DeliveriesByEndpointLoader)

    def __init__(self, db: Database, workspace_id: int, *, shared: bool = False) -> None:
        """`shared`: used by several concurrent consumers (see WorkspaceLoader.load)."""
        self.db, self.workspace_id, self.shared = db, workspace_id, shared
        self._extras: dict[str, Any] = {}

    @classmethod
    def for_workspace(cls, db: Database, workspace_id: int, *, shared: bool = False) -> Loaders:
        return cls(db, workspace_id, shared=shared)

    def upper(self, name: str, make: Callable[[], T]) -> T:
        """Loaders of a package above this one (app/floor), made on first use and kept as
        long as these: fresh for every request and every subscription event."""
        if name not in self._extras:
            self._extras[name] = make()
        return self._extras[name]

    def built(self, name: str) -> WorkspaceLoader[Any, Any] | None:
        """The loader `name` if it has been used: one never built has nothing to clear."""
        return self.__dict__.get(name)

    def prime_ticket(self, row: Any) -> None:
        """Seed the ticket loader with a row just written (e.g. a mutation's result)."""
        self.ticket.clear(row.id).prime(row.id, row)

    def clear_ticket(self, ticket_id: int) -> None:
        """Forget everything cached about one ticket after a write to it."""
        for name in ("ticket", "ticket_documents", *_PER_TICKET):
            if (loader := self.built(name)) is not None:
                loader.clear(ticket_id)
        for name in _WHOLE:
            if (loader := self.built(name)) is not None:
                loader.clear_all()
        self._extras.clear()  # line rates and statistics read other tickets too

    def clear_all(self) -> None:
        self._extras.clear()
        for value in list(self.__dict__.values()):
            if isinstance(value, WorkspaceLoader):
                value.clear_all()


__all__ = ["DeliveryPage", "DeliveryPageKey", "Loaders", "PageKey", "RowPage"]
