"""Compiled completion: a value's whole sub-selection completed by plans built once per request.

graphql-core completes a page field by field, object by object, through the same generic steps
(execute_fields, execute_field, complete_value...) at ~10 µs a field. Once the prefetcher has
put a page's relations in the loaders, every value below a root field is at hand, so this
completes it in one synchronous pass: for each (type, selection) a plan is compiled once per
request (which fields are columns, which call a resolver, what each completes to) and then run
per value.

The plan does what the standard steps do, in the same order, and nothing else: the same
resolver calls with the same ResolveInfo and arguments, the same is_type_of and resolve_type
checks, the same coercion. It never reports an error itself. Whatever it is not sure of (a
resolver that raises or is still waiting, a value the type refuses, None for a non-null field,
@defer) abandons the plan for that value, and the standard steps complete it from the start:
they call the same resolvers again (reads from loaders' caches) and report what there is to
report, at its path. tests/execution/test_fast_paths.py checks both ways agree.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from schema.leaves import STEP_ASIDE, LeafPlan, coerce_leaf

Completer = Callable[[Any, Any, Path], Any]  # (value, info of its field, path) -> result


class Abandon(Exception):
    """The plan met something the standard steps must handle."""


_TYPENAME = "__typename"


class CompiledCompletion:
    """Mixed into the execution context (see schema/execution.py)."""

    # Set by the execution context: whether to compile (not with middleware wrapping
    # resolvers, nor for subscriptions: each event's executor is a copy of one executor, so
    # plans compiled per event would pile up in the shared cache); the compiled plans of this
    # request by (type, id of the field list).
    _compile_values: bool
    _completers: dict[tuple[Any, int], tuple[Any, Completer | None]]
    _skip_compiled = False

    def _compiled(self, return_type: Any, field_details_list: Any) -> Completer | None:
        cache = self._completers
        key = (return_type, id(field_details_list))
        hit = cache.get(key)
        if hit is not None:
            return hit[1]
        cache[key] = (field_details_list, None)  # a cycle through itself is not compiled
        completer = self._compile(return_type, field_details_list)
        # Like graphql-core's subfield memo, keep the list alive so its id is not reused.
        cache[key] = (field_details_list, completer)
        return completer

    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._skip_compiled:
            # The standard steps unwrapping a non-null type whose plan was just abandoned.
            self._skip_compiled = False
        elif self._compile_values and not is_leaf_type(return_type):
            completer = self._compiled(return_type, field_details_list)
            if completer is not None:
                try:
                    return completer(result, info, path)
                except Abandon:
                    self._skip_compiled = isinstance(return_type, GraphQLNonNull)
        return super().complete_value(  # type: ignore[misc]
            return_type, field_details_list, info, path, result, position_context
        )

    # --- compiling --------------------------------------------------------------------------

    def _compile(self, return_type: Any, field_details_list: Any) -> Completer | None:
        if isinstance(return_type, GraphQLNonNull):
            return _non_null(self._compile(return_type.of_type, field_details_list))
        if isinstance(return_type, GraphQLList):
            return _list(self._compile(return_type.of_type, field_details_list))
        if is_leaf_type(return_type):
            return self._leaf(return_type)
        if isinstance(return_type, GraphQLObjectType):
            return self._object(return_type, field_details_list)
        if is_abstract_type(return_type):
            return self._abstract(return_type, field_details_list)
        return None

    def _leaf(self, leaf_type: Any) -> Completer:
        coerce = leaf_type.coerce_output_value
        is_awaitable = self.is_awaitable  # type: ignore[attr-defined]

        def leaf(value: Any, _info: Any, _path: Path) -> Any:
            if value is None or value is Undefined:
                return None
            coerced = coerce_leaf(coerce, value, is_awaitable)
            if coerced is STEP_ASIDE:
                raise Abandon
            return coerced

        return leaf

    def _abstract(self, abstract_type: Any, field_details_list: Any) -> Completer:
        resolve_type = abstract_type.resolve_type or self.type_resolver  # type: ignore[attr-defined]
        is_awaitable = self.is_awaitable  # type: ignore[attr-defined]
        by_type: dict[Any, Completer | None] = {}

        def abstract(value: Any, info: Any, path: Path) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise Abandon
            name = resolve_type(value, info, abstract_type)
            if is_awaitable(name):
                _discard(name)
                raise Abandon
            try:
                object_type = self.ensure_valid_runtime_type(  # type: ignore[attr-defined]
                    name, abstract_type, field_details_list, info, value
                )
            except Exception:
                raise Abandon from None
            if object_type not in by_type:
                by_type[object_type] = self._object(object_type, field_details_list)
            completer = by_type[object_type]
            if completer is None:
                raise Abandon
            return completer(value, info, path)

        return abstract

    def _object(self, object_type: GraphQLObjectType, field_details_list: Any) -> Completer | None:
        grouped, defer_usages, _forbidden = self.collect_subfields(  # type: ignore[attr-defined]
            object_type, field_details_list
        )
        if defer_usages:
            return None
        steps = []
        for response_name, sub_list in grouped.items():
            step = self._field_step(object_type, response_name, sub_list)
            if step is None:
                return None
            steps.append(step)
        is_type_of = object_type.is_type_of
        is_awaitable = self.is_awaitable  # type: ignore[attr-defined]

        def complete_object(value: Any, info: Any, path: Path) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise Abandon
            if is_type_of is not None:
                matches = is_type_of(value, info)
                if is_awaitable(matches):
                    _discard(matches)
                    raise Abandon
                if not matches:
                    raise Abandon
            return {name: step(value, path) for name, step in steps}

        return complete_object

    def _field_step(
        self, object_type: GraphQLObjectType, response_name: str, sub_list: Any
    ) -> tuple[str, Callable[[Any, Path], Any]] | None:
        node = sub_list[0].node
        field_name = node.name.value
        if field_name == _TYPENAME:
            type_name = object_type.name
            return response_name, lambda _value, _path: type_name
        field_def = object_type.fields.get(field_name)
        if field_def is None:
            return None
        plan = self._leaf_plan_for(object_type, field_name)  # type: ignore[attr-defined]
        if plan is not None:
            return response_name, _column_step(plan, self.is_awaitable)  # type: ignore[attr-defined]
        definition = field_def.extensions.get("strawberry-definition")
        if definition is None or getattr(definition, "is_async", True):
            return None  # an async resolver always hands back an awaitable: not worth a try
        completer = self._compiled(field_def.type, sub_list)
        if completer is None:
            return None
        nodes = [details.node for details in sub_list]
        resolve = field_def.resolve
        takes_arguments = bool(field_def.args or node.arguments)
        is_awaitable = self.is_awaitable  # type: ignore[attr-defined]
        build_info = self.build_resolve_info  # type: ignore[attr-defined]
        type_name = object_type.name

        def call(value: Any, path: Path) -> Any:
            field_path = Path(path, response_name, type_name)
            info = build_info(field_def, nodes, object_type, field_path)
            try:
                arguments = (
                    get_argument_values(
                        field_def,
                        node,
                        self.variable_values,  # type: ignore[attr-defined]
                        sub_list[0].fragment_variable_values,
                        self.hide_suggestions,  # type: ignore[attr-defined]
                    )
                    if takes_arguments
                    else {}
                )
                result = resolve(value, info, **arguments)
            except Exception:
                raise Abandon from None
            if is_awaitable(result):
                _discard(result)
                raise Abandon
            return completer(result, info, field_path)

        return response_name, call


def _column_step(plan: LeafPlan, is_awaitable: Any) -> Callable[[Any, Path], Any]:
    """A column read as FastLeavesExecutionContext.execute_field reads it."""

    def column(value: Any, _path: Path) -> Any:
        found = plan.read(value, is_awaitable)
        if found is STEP_ASIDE:
            raise Abandon
        return found

    return column


def _non_null(inner: Completer | None) -> Completer | None:
    if inner is None:
        return None

    def non_null(value: Any, info: Any, path: Path) -> Any:
        completed = inner(value, info, path)
        if completed is None:
            raise Abandon
        return completed

    return non_null


def _list(inner: Completer | None) -> Completer | None:
    if inner is None:
        return None

    def complete_list(value: Any, info: Any, path: Path) -> Any:
        if value is None or value is Undefined:
            return None
        if not isinstance(value, list | tuple):
            raise Abandon
        return [inner(item, info, Path(path, index, None)) for index, item in enumerate(value)]

    return complete_list


def _discard(awaitable: Any) -> None:
    """An awaitable the plan will not wait for: the standard steps call its resolver again."""
    if inspect.iscoroutine(awaitable):
        awaitable.close()
