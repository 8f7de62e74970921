"""The relations of the read types, each defined once: which loader, which key.

Relation fields (`relation_field`) load through them one row at a time; the prefetcher
(schema/executor/prefetch.py) loads a whole page's relations through them, level by level,
before the executor walks the page. Both use the same key, so what the prefetcher loaded is what
the field finds in the loader's cache, and compiled completion (schema/executor/completion.py)
reads it from there without a resolver call.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry

from app.context import Info
from app.loaders import PageKey
from app.loaders.base import NOT_LOADED, load_ready
from schema.errors import page_size_ok

DEFAULT_PAGE = 100  # a ticket's list field without `first`


def _single(value: Any) -> list[Any]:
    return [] if value is None else [value]


def _rows(value: Any) -> list[Any]:
    return list(value)


def _page_rows(value: Any) -> list[Any]:
    return list(value.rows)


@dataclass(frozen=True)
class Relation:
    loader: str  # the attribute of app.loaders.Loaders
    key: Callable[[Any, dict[str, Any]], Any]  # (row, field arguments) -> key; None: no value
    # The family (see FAMILIES) of the rows it loads, when those have relations of their own.
    target: str | None = None
    children: Callable[[Any], list[Any]] = _single  # the rows inside one loaded value
    # The field returns a connection: its rows' selection is under `nodes` / `edges.node`.
    connection: bool = False

    def resolve(self, info: Info, row: Any, **arguments: Any) -> Any:
        """The value at once when the loader holds it, else the loader's future."""
        key = self.key(row, arguments)
        return None if key is None else load_ready(getattr(info.context.loaders, self.loader), key)


@dataclass(frozen=True)
class RelationField:
    """A GraphQL field whose value is its relation's: arguments checked, loaded value wrapped.

    Its resolver and compiled completion both go through here, so they cannot disagree."""

    relation: Relation
    check: Callable[[dict[str, Any]], None] | None = None  # raises the field's GraphQLError
    wrap: Callable[[Any], Any] | None = None  # loaded value -> the field's value

    def resolve(self, info: Info, row: Any, arguments: dict[str, Any]) -> Any:
        """The field's value, or an awaitable of it when its loader does not hold it yet."""
        if self.check is not None:
            self.check(arguments)
        value = self.relation.resolve(info, row, **arguments)
        if self.wrap is None:
            return value
        if isinstance(value, asyncio.Future):
            return wrap_when_done(value, self.wrap)
        return self.wrap(value)

    def ready(self, loader: Any, row: Any, arguments: dict[str, Any]) -> Any:
        """What `resolve` returns when `loader` (the relation's) holds the value already and
        the arguments were checked, else NOT_LOADED (and `resolve` will ask for it)."""
        key = self.relation.key(row, arguments)
        if key is None:
            return None
        value = loader.loaded(key)
        if value is NOT_LOADED or self.wrap is None:
            return value
        return self.wrap(value)


async def wrap_when_done(future: Any, wrap: Callable[[Any], Any]) -> Any:
    """`wrap` of what `future` (a loader's) resolves to."""
    return wrap(await future)


RELATION_FIELD = "ticketgw.relation"  # StrawberryField.metadata key of a relation field


def relation_field(
    relation: Relation | RelationField, *, description: str | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a field resolved by `relation` alone. The decorated function is a stub: its
    signature names the field and gives its arguments and type; its body never runs."""
    spec = relation if isinstance(relation, RelationField) else RelationField(relation)

    def declare(stub: Callable[..., Any]) -> Any:
        @functools.wraps(stub)
        def resolve(self: Any, info: Info, **arguments: Any) -> Any:
            return spec.resolve(info, self, arguments)

        return strawberry.field(resolve, description=description, metadata={RELATION_FIELD: spec})

    return declare


def to_one(loader: str, column: str, target: str | None = None) -> Relation:
    return Relation(loader, lambda row, _args: getattr(row, column), target)


def per_ticket(loader: str, target: str | None = None) -> Relation:
    return Relation(loader, lambda row, _args: row.id, target, _rows)


def _int(value: Any) -> int | None:
    """An Int argument as the field receives it. The prefetcher reads arguments from the
    selection (strawberry.types.nodes), where a literal is still its source text; the document
    was validated, so that text is an integer."""
    return int(value) if isinstance(value, str) else value


def _message_page(row: Any, arguments: dict[str, Any]) -> PageKey | None:
    first = _int(arguments.get("first"))
    if not page_size_ok(first):  # the field refuses it: nothing to load
        return None
    return PageKey(row.id, first or DEFAULT_PAGE, arguments.get("after"))


CONTACT = to_one("contact", "contact_id")
ASSIGNEE = to_one("user", "assignee_id")
TEAM = to_one("team", "team_id")
LINE = to_one("line", "line_id")
LOCATION = to_one("location", "location_id")
CALLED_BY = to_one("user", "called_by_id")
ASSIGNER = to_one("user", "assigner_id")
LABELS = per_ticket("labels")
INTERACTIONS = per_ticket("interactions", "Interaction")
EXTRA = per_ticket("extra")
SLA_TIMERS = per_ticket("sla_timers")
MESSAGES = Relation("messages", _message_page, "Message", _page_rows, connection=True)
AUTHOR = to_one("user", "author_id")
INTERACTION_USER = to_one("user", "user_id")

# GraphQL field name -> relation, per family of row types. "Ticket" covers the interface and
# both kinds: a queue-only field finds no key on a helpdesk row and loads nothing for it.
FAMILIES: dict[str, dict[str, Relation]] = {
    "Ticket": {
        "contact": CONTACT,
        "customer": CONTACT,
        "assignee": ASSIGNEE,
        "team": TEAM,
        "line": LINE,
        "calledBy": CALLED_BY,
        "assigner": ASSIGNER,
        "labels": LABELS,
        "interactions": INTERACTIONS,
        "extra": EXTRA,
        "messages": MESSAGES,
        "sla": SLA_TIMERS,
    },
    "Message": {"author": AUTHOR},
    "Interaction": {"line": LINE, "user": INTERACTION_USER},
}
