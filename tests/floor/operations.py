"""A smallest valid operation for every root field of the printed schema, made from the SDL
itself, so a field added later is covered without editing a list."""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    build_schema,
    get_named_type,
    is_leaf_type,
)

from schema import schema_sdl

TICKET_ID = "VGlja2V0OjE="  # Ticket:1
SCALARS = {
    "ID": TICKET_ID,
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Date": "2026-01-01",
    "JSON": {},
}


def _value(type_: GraphQLInputType) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: _value(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    return SCALARS.get(type_.name, "x")


def _literal(value: Any, type_: GraphQLInputType) -> str:
    named = get_named_type(type_)
    if isinstance(value, dict):
        assert isinstance(named, GraphQLInputObjectType)
        parts = [f"{k}: {_literal(v, named.fields[k].type)}" for k, v in value.items()]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        assert isinstance(inner, GraphQLList)
        return "[" + ", ".join(_literal(v, inner.of_type) for v in value) + "]"
    if isinstance(named, GraphQLEnumType):
        return str(value)
    return json.dumps(value)


def _operation(kind: str, name: str, field: GraphQLField) -> str:
    args = [
        f"{arg}: {_literal(_value(spec.type), spec.type)}"
        for arg, spec in field.args.items()
        if isinstance(spec.type, GraphQLNonNull)
    ]
    call = f"{name}({', '.join(args)})" if args else name
    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    return f"{kind} {{ {call}{selection} }}"


def root_operations(kind: str) -> dict[str, str]:
    """{root field name: a document calling it} for kind query, mutation or subscription."""
    parsed = build_schema(schema_sdl())
    root: GraphQLObjectType | None = {
        "query": parsed.query_type,
        "mutation": parsed.mutation_type,
        "subscription": parsed.subscription_type,
    }[kind]
    assert root is not None
    return {name: _operation(kind, name, field) for name, field in root.fields.items()}
