"""Each event resolved once per distinct subscription, not once per subscriber (issue 16).

200 consoles subscribed with the same document and variables, under the same visibility (the
workspace and the key's role: the only thing field permissions look at), get the same result
for an event. The first subscriber to reach the event resolves it; the others wait for that
resolution and take its result (Hasura's multiplexed subscriptions do the same per query and
session variables). The result's data is a SharedData, which carries its JSON once encoded, so
the WebSocket handlers (app/http/websocket/limits.py) serialise it once too.

Only events of the log are shared (a snapshot event is read per subscriber), only results with
no error are kept (an outage's result is dropped, so the next subscriber resolves the event
again), and entries live briefly, as the shared loaders do (shared_loaders.py): a replay long
after the event reads the ticket as it is now. A subscriber that disconnects while resolving
does not cancel the resolution others wait for (each waiter behind a shield).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import ExecutionResult, FieldNode, Node, VariableNode, Visitor, print_ast, visit

from app.db import TicketEvent
from app.live.shared_data import SharedData
from schema.subscriptions.brief_cache import BriefCache

_TTL_SECONDS = 2.0
_MAX_ENTRIES = 4096

Key = tuple[Any, ...]


def operation_signature(executor: Any) -> str:
    """What makes two subscriptions give the same result for an event: the root field's
    selection (with its directives and the fragments), and the values of the variables used
    there. The root field's arguments (filter, after, initial) choose which events come, not
    what an event resolves to, so subscribers from different cursors share too. Computed once
    per subscription."""
    operation = executor.operation
    fragments = executor.fragment_definitions
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode):
        nodes: list[Node] = [operation]  # anything unusual: the whole operation, every variable
        parts = [print_ast(operation)]
    else:
        root = roots[0]
        nodes = [*(root.directives or ()), *([root.selection_set] if root.selection_set else [])]
        alias = root.alias.value if root.alias else ""
        parts = [f"{alias}:{root.name.value}", *(print_ast(n) for n in nodes)]
    nodes += [fragments[name] for name in sorted(fragments)]
    parts += [print_ast(fragments[name]) for name in sorted(fragments)]
    used = sorted({name for node in nodes for name in _variables_in(node)})
    variables = executor.variable_values
    values = getattr(variables, "coerced", variables)  # graphql-core 3.3: VariableValues
    # repr for what JSON can't say (input objects, enums): equal values, equal text
    parts.append(json.dumps({n: values.get(n) for n in used}, sort_keys=True, default=repr))
    return "\n".join(parts)


def _variables_in(node: Node) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            names.add(variable.name.value)

    visit(node, Collect())
    return names


def event_key(executor: Any, signature: str) -> Key | None:
    """The key an event's result is shared under, or None when it must be resolved alone."""
    event = executor.root_value
    if not isinstance(event, TicketEvent):
        return None
    principal = getattr(executor.context_value, "principal", None)
    if principal is None:
        return None
    return (principal.workspace_id, principal.role, signature, event.id, event.seq)


class ResolvedEvents:
    def __init__(self, *, ttl: float = _TTL_SECONDS, max_entries: int = _MAX_ENTRIES) -> None:
        self.resolutions = 0  # how many times an event was resolved (tests count them)
        self._entries: BriefCache[Key, asyncio.Future[ExecutionResult]] = BriefCache(
            ttl=ttl, max_entries=max_entries
        )

    async def resolve(
        self, key: Key, resolve: Callable[[], Awaitable[ExecutionResult]]
    ) -> ExecutionResult:
        now = time.monotonic()
        future = self._entries.get(key, now)
        if future is None:
            self.resolutions += 1
            future = asyncio.ensure_future(self._shared(key, resolve))
            future.add_done_callback(_retrieve)  # every waiter may have gone: no warning then
            self._entries.put(key, future, now)
        return await asyncio.shield(future)

    async def _shared(
        self, key: Key, resolve: Callable[[], Awaitable[ExecutionResult]]
    ) -> ExecutionResult:
        try:
            result = await resolve()
        except BaseException:
            self._entries.pop(key)
            raise
        if result.errors or result.extensions or not isinstance(result.data, dict):
            self._entries.pop(key)  # only clean results are shared with later subscribers
            return result
        return ExecutionResult(data=SharedData(result.data), errors=None)


def _retrieve(future: asyncio.Future[ExecutionResult]) -> None:
    if not future.cancelled():
        future.exception()


# One per process: subscriptions of every connection share it.
resolved_events = ResolvedEvents()
