"""The executor's per-field work, skipped for plain leaf fields.

Most of a ticket page is scalars read straight off a row: ~1,600 of the dashboard's ~2,265
fields. graphql-core gives each one a ResolveInfo, a call into Strawberry's default resolver
and a walk through complete_value before the type's coerce_output_value. For a field that
Strawberry resolves with plain `getattr` (no resolver, no arguments, no field extensions),
whose type is a scalar or an enum, and with no middleware installed, this context makes those
two calls itself. Every case the standard path would report as an error (a missing
attribute, None for a non-null field, a value the type refuses, an awaitable) takes the
standard path, so results and errors are the same (tests/execution/test_fast_paths.py runs
every query document and generated ones both ways).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLField, GraphQLObjectType, OperationType
from strawberry.schema.schema import Schema, StrawberryGraphQLCoreExecutionContext

from schema.executor.completion import CompiledCompletion
from schema.executor.leaves import STEP_ASIDE, LeafPlan, leaf_plan
from schema.executor.resolvers import info_free_resolver, plain_resolver_call


class FastLeavesExecutionContext(CompiledCompletion, StrawberryGraphQLCoreExecutionContext):
    # (parent type, field name) -> plan or None; types belong to one schema and live as long.
    _plans: dict[tuple[GraphQLObjectType, str], LeafPlan | None] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry always installs a manager; it only wraps fields when an extension
        # implements `resolve` (then every field goes the standard way).
        manager = self.middleware_manager
        self._direct_leaves = manager is None or not manager.middlewares
        self._completers = {}
        self._compile_values = (
            self._direct_leaves and self.operation.operation != OperationType.SUBSCRIPTION
        )

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        if self._direct_leaves:
            plan = self._leaf_plan_for(parent_type, field_details_list[0].node.name.value)
            if plan is not None:
                value = plan.read(source, self.is_awaitable)
                if value is not STEP_ASIDE:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _leaf_plan_for(self, parent_type: GraphQLObjectType, name: str) -> LeafPlan | None:
        key = (parent_type, name)
        plans = self._plans
        if key not in plans:
            field_def = parent_type.fields.get(name)
            plans[key] = None if field_def is None else leaf_plan(field_def)
        return plans[key]


def install_direct_resolvers(schema: Schema) -> int:
    """Call plain resolvers straight from graphql-core; returns how many fields it changed.

    A resolver field goes through Strawberry's chain on every call: argument conversion, the
    field-extension chain, the exception-handler check. For a sync resolver with no arguments,
    no field extensions (permission classes are one) and no exception handlers in the schema,
    that chain ends in calling the function with the parent row and an Info; this makes the
    GraphQL field call it so, and leaves everything else (ResolveInfo, completion, errors) to
    graphql-core as before.
    """
    if schema.schema_converter.exception_handlers:
        return 0
    info_class = schema.config.info_class
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field_def in graphql_type.fields.values():
            direct = _direct_resolver(field_def, info_class)
            if direct is not None:
                field_def.resolve = direct
                changed += 1
    return changed


def _direct_resolver(field_def: GraphQLField, info_class: Any) -> Any:
    definition = field_def.extensions.get("strawberry-definition")
    if field_def.args or getattr(field_def.resolve, "__name__", "") != "_resolver":
        return None
    call = plain_resolver_call(definition)
    if call is None:
        return None
    function, pass_self, source_names, info_name = call

    def direct(source: Any, info: Any) -> Any:
        kwargs = {name: source for name in source_names}
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=definition)
        return function(source, **kwargs) if pass_self else function(**kwargs)

    # Compiled completion calls it so when it takes no Info (no ResolveInfo built either).
    vars(direct)["without_info"] = info_free_resolver(call)  # read with getattr
    return direct
