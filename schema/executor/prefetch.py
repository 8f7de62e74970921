"""Load a page's relations before the executor walks it.

Left to itself, the executor reaches a page's relations one row at a time: each relation field
hands it a pending loader future, which costs a coroutine and a task per field and a trip round
the event loop per level (~350 tasks for a 50-ticket dashboard). Reading the selection first,
the prefetcher asks each loader for all the page's keys at once, level by level (the tickets'
labels, messages and interactions, then the messages' authors and the interactions' users
together with the tickets' assignees), so that every relation field then finds its value
ready. The statements are the loaders' own, in the same batches.

It only warms the loaders' caches: what it misses (a field under a fragment it did not
follow, a relation it does not know), the field loads as before; what it loads in vain (a
field skipped by a directive) costs a query and changes no answer. A failed load is left for
the field to report, at its own path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from app.loaders import Loaders
from schema.executor.relations import FAMILIES, Relation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Wanted:
    """A relation asked of some rows, with the selection below it."""

    relation: Relation
    rows: list[Any]
    arguments: dict[str, Any]
    selections: list[Selection]

    def children(self) -> list[Selection]:
        return connection_nodes(self.selections) if self.relation.connection else self.selections

    def below(self) -> list[Relation]:
        """The relations the next level asks of the rows this one loads."""
        if self.relation.target is None:
            return []
        relations = FAMILIES.get(self.relation.target, {})
        return [relations[f.name] for f in _fields(self.children()) if f.name in relations]


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """The fields of a selection set, through fragments of any type condition."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _wanted(
    family: str, rows: list[Any], selections: list[Selection], primed: Collection[str] = ()
) -> list[_Wanted]:
    if not rows:
        return []
    relations = FAMILIES.get(family, {})
    return [
        _Wanted(relations[f.name], rows, f.arguments, f.selections)
        for f in _fields(selections)
        if f.name in relations and f.name not in primed
    ]


def connection_nodes(selections: list[Selection]) -> list[Selection]:
    """A connection's node selections: `edges { node { ... } }` and `nodes { ... }`."""
    found: list[Selection] = []
    for field in _fields(selections):
        if field.name == "nodes":
            found.extend(field.selections)
        elif field.name == "edges":
            found.extend(s for f in _fields(field.selections) if f.name == "node"
                         for s in f.selections)  # fmt: skip
    return found


async def prefetch(
    loaders: Loaders,
    family: str,
    rows: list[Any],
    selections: list[Selection],
    primed: Collection[str] = (),
) -> None:
    """Load what `selections` asks of `rows` (of `family`), and below, into `loaders`; not the
    fields `primed` names (of `rows`, with nothing below: their loader holds them already)."""
    level = _wanted(family, rows, selections, primed)
    while level:
        # A relation with nothing below it whose loader the next level uses too waits for
        # that level: its keys join the same batch (the tickets' assignees with their
        # messages' authors and interactions' users: one statement, not two).
        below = [wanted.below() for wanted in level]
        ahead = {relation.loader for relations in below for relation in relations}
        now: list[_Wanted] = []
        later: list[_Wanted] = []
        for wanted, relations in zip(level, below, strict=True):
            waits = not relations and wanted.relation.loader in ahead
            (later if waits else now).append(wanted)
        # Every key of every relation asked for in one tick: one batch per loader.
        requested = [
            _request(getattr(loaders, w.relation.loader), w.rows, w.relation, w.arguments)
            for w in now
        ]
        # A failure stays in no cache (aiodataloader clears failed keys): the field reports it.
        await _settled(f for futures in requested for f in futures)
        level = later
        for wanted, futures in zip(now, requested, strict=True):
            if wanted.relation.target is not None:
                loaded = [child for f in futures if _succeeded(f)
                          for child in wanted.relation.children(f.result())]  # fmt: skip
                level += _wanted(wanted.relation.target, loaded, wanted.children())


def _request(
    loader: Any, rows: list[Any], relation: Relation, arguments: dict[str, Any]
) -> list[asyncio.Future[Any]]:
    keys = {key for row in rows if (key := relation.key(row, arguments)) is not None}
    return [loader.load(key) for key in keys]


async def _settled(futures: Iterable[asyncio.Future[Any]]) -> None:
    """Wait until every future is done, whatever its outcome. A loader settles a whole batch
    in one step, so waiting on each still pending one in turn costs a wake-up per batch, where
    gather would put a callback on every key's future (~200 for a dashboard)."""
    for future in futures:
        if not future.done():
            await asyncio.wait((future,))


def _succeeded(future: asyncio.Future[Any]) -> bool:
    return not future.cancelled() and future.exception() is None


def asks_for(info: Any, name: str, *, connection: bool = False) -> bool:
    """Whether the resolving field's rows (a connection's nodes) select field `name`, through
    fragments of any type condition: then their statement may carry it."""
    try:
        selections = info.selected_fields[0].selections
    except (AttributeError, IndexError):
        return False
    if connection:
        selections = connection_nodes(selections)
    return any(field.name == name for field in _fields(selections))


async def prefetch_for_field(
    info: Any, rows: list[Any], *, connection: bool = False, primed: Collection[str] = ()
) -> None:
    """Prefetch below the resolving field (`Query.tickets`: a connection of tickets;
    `Query.ticket`: one). Only an optimisation: if it fails, the fields load on their own."""
    try:
        selections = info.selected_fields[0].selections
        if connection:
            selections = connection_nodes(selections)
        await prefetch(info.context.loaders, "Ticket", rows, selections, primed)
    except Exception:
        log.exception("Prefetching failed; the fields load their relations themselves")
