"""Rows as plain records: named tuples, one class per column set (see base.py for why)."""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Any

from sqlalchemy import Result


@lru_cache(maxsize=256)
def record_type(keys: tuple[str, ...]) -> Any:
    return namedtuple("Record", keys)


def records(result: Result[Any]) -> list[Any]:
    """A result's rows as named tuples with the same field names (one class per column set)."""
    make = record_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]
