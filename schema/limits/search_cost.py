"""What a text-search argument adds to an operation's cost.

A search reads one posting list per trigram of its term from each index it scans, then checks
the rows found: its work grows with the term's length and with the size of what it scans. A
field that searches declares it in its metadata (`metadata=searches(...)`); the cost analysis
adds `weight` points per started 10 characters of the term.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.domain.search import MAX_SEARCH_LENGTH

METADATA_KEY = "ticketgw.search_cost"
CHARACTERS_PER_STEP = 10


@dataclass(frozen=True)
class SearchCost:
    path: tuple[str, ...]  # where the term is among the field's arguments: ("filter", "search")
    weight: int  # points per step of the term; sized by the tables the search scans

    def points(self, arguments: dict[str, Any]) -> int:
        value: Any = arguments
        for name in self.path:
            value = value.get(name) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value.strip():
            return 0
        # A longer term is refused by the resolver (BAD_USER_INPUT naming it): weigh it as
        # the longest allowed, so it gets there and the client learns what is wrong.
        length = min(len(value.strip()), MAX_SEARCH_LENGTH)
        return self.weight * math.ceil(length / CHARACTERS_PER_STEP)


def searches(*path: str, weight: int) -> dict[str, SearchCost]:
    """Field metadata saying that the argument at `path` is a search of this weight."""
    return {METADATA_KEY: SearchCost(tuple(path), weight)}


def search_cost_of(field_extensions: dict[str, Any] | None) -> SearchCost | None:
    definition = (field_extensions or {}).get("strawberry-definition")
    metadata = getattr(definition, "metadata", None) or {}
    cost = metadata.get(METADATA_KEY)
    return cost if isinstance(cost, SearchCost) else None
