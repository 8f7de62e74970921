"""Schema-generated GraphQL operations (hypothesis-graphql), bounded and repeatable: a fixed
seed and a fixed number of examples, so a run is the same on every machine."""

from __future__ import annotations

from typing import Any

from graphql import build_schema as parse_sdl
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import Mode, from_schema

from schema import schema_sdl


def generated_operations(
    *, mode: Mode, examples: int, scalars: dict[str, Any], fields: list[str] | None = None
) -> list[str]:
    """`examples` operations over the printed schema (root `fields` only, when given)."""
    strategy = from_schema(
        parse_sdl(schema_sdl()), fields=fields, custom_scalars=scalars, mode=mode
    )
    found: list[str] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(query: str) -> None:
        found.append(query)

    collect()
    return found
