"""Input values checked against their GraphQL type: literals (AST) and variables (JSON) alike.

graphql-core checks that a value has its type's shape; this checks what app.domain.input_rules
refuses inside it: NUL and lone surrogates in any string, lists longer than the limit, Int
values beyond 32 bits, and values of a custom scalar that don't parse or, parsed to a datetime,
lie out of range. Each walk yields (path inside the argument, reason); the caller keeps the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLScalarType,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_nullable_type,
    specified_scalar_types,
)

from app.domain.input_rules import datetime_problem, int32_problem, text_problem

Problem = tuple[str, str]  # (path such as "filter.ticketIds[3]", reason)
# Called for each variable met inside a literal: (variable name, type at that place, path).
OnVariable = Callable[[str, GraphQLInputType, str], None]

_BUILT_IN = frozenset(specified_scalar_types.values())


def leaf_problem(value: Any, leaf: Any) -> str | None:
    """What is wrong with a scalar or enum value, as far as the databases are concerned."""
    if isinstance(value, str):
        if reason := text_problem(value):
            return reason
        if isinstance(leaf, GraphQLScalarType) and leaf not in _BUILT_IN:
            try:
                parsed = leaf.parse_value(value)
            except Exception:  # any scalar's own refusal: say which type was expected
                return f"is not a valid {leaf.name}"
            if isinstance(parsed, datetime):
                return datetime_problem(parsed)
    elif leaf is GraphQLInt and isinstance(value, int) and not isinstance(value, bool):
        return int32_problem(value)
    return None


def _too_many(count: int, max_items: int) -> str | None:
    if max_items and count > max_items:
        return f"has {count} items; at most {max_items} are allowed"
    return None


def value_problems(
    value: Any, type_: GraphQLInputType, path: str, max_items: int
) -> Iterator[Problem]:
    """Problems of a variable's JSON value (before graphql-core coerces it)."""
    if value is None:
        return
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        if not isinstance(value, list):  # one value stands for a list of one
            yield from value_problems(value, nullable.of_type, path, max_items)
            return
        if reason := _too_many(len(value), max_items):
            yield path, reason
            return
        for index, item in enumerate(value):
            yield from value_problems(item, nullable.of_type, f"{path}[{index}]", max_items)
    elif isinstance(nullable, GraphQLInputObjectType):
        if isinstance(value, dict):
            for name, field in nullable.fields.items():
                if name in value:
                    yield from value_problems(value[name], field.type, f"{path}.{name}", max_items)
    elif reason := leaf_problem(value, nullable):
        yield path, reason


def literal_problems(
    node: ValueNode, type_: GraphQLInputType, path: str, max_items: int, on_variable: OnVariable
) -> Iterator[Problem]:
    """Problems of a literal; the variables inside it are handed to `on_variable`."""
    if isinstance(node, VariableNode):
        on_variable(node.name.value, type_, path)
        return
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        if not isinstance(node, ListValueNode):
            yield from literal_problems(node, nullable.of_type, path, max_items, on_variable)
            return
        if reason := _too_many(len(node.values), max_items):
            yield path, reason
            return
        for index, item in enumerate(node.values):
            item_path = f"{path}[{index}]"
            yield from literal_problems(item, nullable.of_type, item_path, max_items, on_variable)
    elif isinstance(nullable, GraphQLInputObjectType):
        if isinstance(node, ObjectValueNode):
            for field_node in node.fields:
                name = field_node.name.value
                field = nullable.fields.get(name)
                if field is not None:
                    yield from literal_problems(
                        field_node.value, field.type, f"{path}.{name}", max_items, on_variable
                    )
    elif isinstance(node, StringValueNode | IntValueNode):
        raw = node.value if isinstance(node, StringValueNode) else int(node.value)
        if reason := leaf_problem(raw, nullable):
            yield path, reason
