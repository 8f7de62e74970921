"""The executor's per-field work, skipped for plain leaf fields.

Most of a ticket page is scalars read straight off a row: ~1,600 of the dashboard's ~2,265
fields. graphql-core gives each one a ResolveInfo, a call into Strawberry's default resolver
and a walk through complete_value before the type's coerce_output_value. For a field that
Strawberry resolves with plain `getattr` (no resolver, no arguments, no field extensions),
whose type is a scalar or an enum, and with no middleware installed, this context makes those
two calls itself. Every case the standard path would report as an error (a missing
attribute, None for a non-null field, a value the type refuses, an awaitable) takes the
standard path, so results and errors are the same (tests/execution/test_fast_leaves.py runs
every query document and generated ones both ways).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

_MISSING = object()


@dataclass(frozen=True, slots=True)
class LeafPlan:
    attribute: str
    coerce: Any  # the type's coerce_output_value, as complete_leaf_value calls it
    nullable: bool


def leaf_plan(field_def: GraphQLField) -> LeafPlan | None:
    """How to complete `field_def` directly, or None when it needs the standard path."""
    definition = field_def.extensions.get("strawberry-definition")
    if (
        field_def.args
        or not isinstance(definition, StrawberryField)
        # No resolver, no field extensions (permission classes are one)...
        or not definition.is_basic_field
        # ...and Strawberry compiled it to its plain-attribute resolver (no exception handlers).
        or getattr(field_def.resolve, "__name__", "") != "_get_basic_result"
        or definition.default_resolver is not getattr
    ):
        return None
    nullable = not isinstance(field_def.type, GraphQLNonNull)
    leaf = field_def.type if nullable else field_def.type.of_type
    if not is_leaf_type(leaf):
        return None
    assert isinstance(leaf, GraphQLLeafType)
    return LeafPlan(definition.python_name, leaf.coerce_output_value, nullable)


class FastLeavesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    # (parent type, field name) -> plan or None; types belong to one schema and live as long.
    _plans: dict[tuple[GraphQLObjectType, str], LeafPlan | None] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry always installs a manager; it only wraps fields when an extension
        # implements `resolve` (then every field goes the standard way).
        manager = self.middleware_manager
        self._direct_leaves = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        if self._direct_leaves:
            name = field_details_list[0].node.name.value
            key = (parent_type, name)
            plans = self._plans
            plan = plans[key] if key in plans else self._plan(key)
            if plan is not None:
                value = getattr(source, plan.attribute, _MISSING)
                if value is None:
                    if plan.nullable:
                        return None
                elif value is not _MISSING and not self.is_awaitable(value):
                    try:
                        coerced = plan.coerce(value)
                    except Exception:  # the standard path reports it, with its path
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _plan(self, key: tuple[GraphQLObjectType, str]) -> LeafPlan | None:
        parent_type, name = key
        field_def = parent_type.fields.get(name)
        plan = None if field_def is None else leaf_plan(field_def)
        self._plans[key] = plan
        return plan
