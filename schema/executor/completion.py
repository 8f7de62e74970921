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
from typing import TYPE_CHECKING, Any

from graphql import (
    ExecutionResult,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from app.loaders.base import NOT_LOADED
from schema.executor.leaves import STEP_ASIDE, LeafPlan, leaf_coercer
from schema.executor.relations import RELATION_FIELD

# (value, info of its field, path) -> result; info and path are None when it needs neither.
Completer = Callable[[Any, Any, Path | None], Any]


class Abandon(Exception):
    """The plan met something the standard steps must handle."""


_TYPENAME = "__typename"


if TYPE_CHECKING:
    # mypy checks the mixin against what it is mixed into (the execution context it extends).
    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as _MixinBase
else:
    _MixinBase = object


class CompiledCompletion(_MixinBase):
    """Mixed into the execution context (see schema/executor/execution.py)."""

    # Set by the execution context: whether to compile (not with middleware wrapping
    # resolvers, nor for subscriptions: each event's executor is a copy of one executor, so
    # plans compiled per event would pile up in the shared cache); the compiled plans of this
    # request by (type, id of the field list).
    _compile_values: bool
    _completers: dict[tuple[Any, int], tuple[Any, Completer | None]]
    _skip_compiled = False

    def _leaf_plan_for(self, parent_type: GraphQLObjectType, name: str) -> LeafPlan | None:
        raise NotImplementedError  # the execution context's own (schema/executor/execution.py)

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
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def build_response(self, data: Any) -> Any:
        result = super().build_response(data)
        if isinstance(result, ExecutionResult):  # the last step: nothing runs on this any more
            # The plans are closures over this context, and graphql-core's async helpers are
            # its bound methods: cycles that kept the request's context, loaders and rows
            # alive until the collector's next pass over old objects. Under load that piled
            # up tens of MB (with TICKETGW_TUNE_GC's rare full passes, ~80 MB).
            self._completers.clear()
            self.async_helpers = None  # type: ignore[assignment]  # dropped: nothing runs after
        return result

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
        coerce = leaf_coercer(leaf_type)
        is_awaitable = self.is_awaitable

        def leaf(value: Any, _info: Any, _path: Path | None) -> Any:
            if value is None or value is Undefined:
                return None
            coerced = coerce(value, is_awaitable)
            if coerced is STEP_ASIDE:
                raise Abandon
            return coerced

        return _marked(leaf, needs_info=False, needs_path=False)

    def _abstract(self, abstract_type: Any, field_details_list: Any) -> Completer:
        resolve_type = abstract_type.resolve_type or self.type_resolver
        is_awaitable = self.is_awaitable
        by_type: dict[Any, Completer | None] = {}

        def abstract(value: Any, info: Any, path: Path | None) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise Abandon
            name = resolve_type(value, info, abstract_type)
            if is_awaitable(name):
                _discard(name)
                raise Abandon
            try:
                object_type = self.ensure_valid_runtime_type(
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
        grouped, defer_usages, _forbidden = self.collect_subfields(object_type, field_details_list)
        if defer_usages:
            return None
        steps = []
        for response_name, sub_list in grouped.items():
            step = self._field_step(object_type, response_name, sub_list)
            if step is None:
                return None
            steps.append(step)
        is_type_of = object_type.is_type_of
        if getattr(is_type_of, "accepts_everything", False):
            is_type_of = None  # it would answer True (schema/types/node.py)
        is_awaitable = self.is_awaitable

        def complete_object(value: Any, info: Any, path: Path | None) -> Any:
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

        return _marked(
            complete_object,
            needs_info=is_type_of is not None,
            needs_path=any(needs_path(step) for _, step in steps),
        )

    def _field_step(
        self, object_type: GraphQLObjectType, response_name: str, sub_list: Any
    ) -> tuple[str, Callable[[Any, Path | None], Any]] | None:
        node = sub_list[0].node
        field_name = node.name.value
        if field_name == _TYPENAME:
            type_name = object_type.name
            return response_name, _marked(lambda _value, _path: type_name, needs_path=False)
        field_def = object_type.fields.get(field_name)
        if field_def is None:
            return None
        plan = self._leaf_plan_for(object_type, field_name)
        if plan is not None:
            return response_name, _column_step(plan, self.is_awaitable)
        definition = field_def.extensions.get("strawberry-definition")
        if definition is None or getattr(definition, "is_async", True):
            return None  # an async resolver always hands back an awaitable: not worth a try
        completer = self._compiled(field_def.type, sub_list)
        if completer is None:
            return None
        field = _Field(self, object_type, field_def, response_name, sub_list)
        relation = self._relation_step(definition, field, completer)
        if relation is not None:
            return response_name, relation
        without_info = getattr(field_def.resolve, "without_info", None)
        if without_info is not None:
            return response_name, _info_free_step(without_info, field, completer, self.is_awaitable)
        return response_name, _resolver_step(field, completer, self.is_awaitable)

    def _relation_step(
        self, definition: Any, field: _Field, completer: Completer
    ) -> Callable[[Any, Path | None], Any] | None:
        """A relation field (schema/executor/relations.py) read from its loader's cache: no resolver
        call, so no Info and no argument conversion. Not ready: the standard steps resolve it."""
        spec = definition.metadata.get(RELATION_FIELD)
        if spec is None or definition.extensions:
            return None
        python_names = {argument.python_name for argument in definition.arguments}
        if set(field.field_def.args) != python_names or not all(
            is_leaf_type(get_nullable_type(argument.type))
            for argument in field.field_def.args.values()
        ):
            return None  # the resolver would receive converted or renamed arguments
        try:
            arguments = field.arguments()
            if spec.check is not None:
                spec.check(arguments)
        except Exception:
            return None  # the resolver reports it, at its path
        with_info = needs_info(completer)
        with_path = with_info or needs_path(completer)
        loader = getattr(self.context_value.loaders, spec.relation.loader)
        ready = spec.ready

        def relation(value: Any, path: Path | None) -> Any:
            found = ready(loader, value, arguments)
            if found is NOT_LOADED:
                raise Abandon
            if not with_path:
                return completer(found, None, None)
            field_path = Path(path, field.response_name, field.type_name)
            return completer(found, field.info(field_path) if with_info else None, field_path)

        return _marked(relation, needs_path=with_path)


class _Field:
    """One field of a compiled selection: its ResolveInfo and arguments, as the executor
    would build them."""

    def __init__(
        self,
        context: Any,
        object_type: GraphQLObjectType,
        field_def: Any,
        response_name: str,
        sub_list: Any,
    ) -> None:
        self.context, self.object_type, self.field_def = context, object_type, field_def
        self.response_name, self.sub_list = response_name, sub_list
        self.type_name = object_type.name
        self.nodes = [details.node for details in sub_list]
        self.takes_arguments = bool(field_def.args or self.nodes[0].arguments)

    def info(self, path: Path) -> Any:
        return self.context.build_resolve_info(self.field_def, self.nodes, self.object_type, path)

    def arguments(self) -> dict[str, Any]:
        if not self.takes_arguments:
            return {}
        context = self.context
        return get_argument_values(
            self.field_def,
            self.nodes[0],
            context.variable_values,
            self.sub_list[0].fragment_variable_values,
            context.hide_suggestions,
        )


def _resolver_step(
    field: _Field, completer: Completer, is_awaitable: Any
) -> Callable[[Any, Path | None], Any]:
    """The field's resolver called as execute_field calls it."""
    resolve = field.field_def.resolve

    def call(value: Any, path: Path | None) -> Any:
        field_path = Path(path, field.response_name, field.type_name)
        info = field.info(field_path)
        try:
            result = resolve(value, info, **field.arguments())
        except Exception:
            raise Abandon from None
        if is_awaitable(result):
            _discard(result)
            raise Abandon
        return completer(result, info, field_path)

    return call


def _info_free_step(
    resolve: Callable[[Any], Any], field: _Field, completer: Completer, is_awaitable: Any
) -> Callable[[Any, Path | None], Any]:
    """A plain resolver that takes no Info (schema/executor/resolvers.py), called with the row
    alone."""
    with_info = needs_info(completer)
    with_path = with_info or needs_path(completer)

    def call(value: Any, path: Path | None) -> Any:
        try:
            result = resolve(value)
        except Exception:
            raise Abandon from None
        if is_awaitable(result):
            _discard(result)
            raise Abandon
        if not with_path:
            return completer(result, None, None)
        field_path = Path(path, field.response_name, field.type_name)
        return completer(result, field.info(field_path) if with_info else None, field_path)

    return _marked(call, needs_path=with_path)


def _column_step(plan: LeafPlan, is_awaitable: Any) -> Callable[[Any, Path | None], Any]:
    """A column read as FastLeavesExecutionContext.execute_field reads it; a value the type
    hands back unchanged (most are strings) without a call."""
    attribute, unchanged, complete = plan.attribute, plan.unchanged, plan.complete

    def column(value: Any, _path: Path | None) -> Any:
        found = getattr(value, attribute, STEP_ASIDE)
        if type(found) is not unchanged:
            found = complete(found, is_awaitable)
            if found is STEP_ASIDE:
                raise Abandon
        return found

    return _marked(column, needs_path=False)


def _non_null(inner: Completer | None) -> Completer | None:
    if inner is None:
        return None

    def non_null(value: Any, info: Any, path: Path | None) -> Any:
        completed = inner(value, info, path)
        if completed is None:
            raise Abandon
        return completed

    return _marked(non_null, needs_info=needs_info(inner), needs_path=needs_path(inner))


def _list(inner: Completer | None) -> Completer | None:
    if inner is None:
        return None

    def complete_list(value: Any, info: Any, path: Path | None) -> Any:
        if value is None or value is Undefined:
            return None
        if not isinstance(value, list | tuple):
            raise Abandon
        if not with_paths:
            return [inner(item, info, None) for item in value]
        return [inner(item, info, Path(path, index, None)) for index, item in enumerate(value)]

    with_paths = needs_path(inner)
    return _marked(complete_list, needs_info=needs_info(inner), needs_path=with_paths)


# What a completer or step looks at besides the value. A ResolveInfo is built only for one
# that looks at it (type checks do; leaves, and objects whose type accepts any value, do
# not), and a Path only for one that builds a ResolveInfo below: when neither, None is passed.
# Unmarked ones need both.


def needs_info(completer: Callable[..., Any]) -> bool:
    return getattr(completer, "needs_info", True)


def needs_path(completer: Callable[..., Any]) -> bool:
    return getattr(completer, "needs_path", True)


def _marked(function: Any, *, needs_info: bool = True, needs_path: bool = True) -> Any:
    function.needs_info, function.needs_path = needs_info, needs_path
    return function


def _discard(awaitable: Any) -> None:
    """An awaitable the plan will not wait for: the standard steps call its resolver again."""
    if inspect.iscoroutine(awaitable):
        awaitable.close()
