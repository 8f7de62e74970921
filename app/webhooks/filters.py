"""An endpoint's event filter, stored as JSON: the subscriptions' EventFilter, by primary keys
and enum values."""

from __future__ import annotations

from typing import Any

from app.domain.enums import TicketKind, TicketState
from app.domain.event_filter import EventFilter


def filter_to_json(f: EventFilter) -> dict[str, Any] | None:
    data: dict[str, Any] = {
        "kinds": [k.value for k in f.kinds],
        "ticket_ids": list(f.ticket_ids),
        "line_ids": list(f.line_ids),
        "team_ids": list(f.team_ids),
        "assignee_ids": list(f.assignee_ids),
        "states": [s.value for s in f.states],
        "types": list(f.types),
    }
    kept = {key: value for key, value in data.items() if value}
    return kept or None


def filter_from_json(data: dict[str, Any] | None) -> EventFilter:
    data = data or {}
    return EventFilter(
        kinds=tuple(TicketKind(k) for k in data.get("kinds", ())),
        ticket_ids=tuple(data.get("ticket_ids", ())),
        line_ids=tuple(data.get("line_ids", ())),
        team_ids=tuple(data.get("team_ids", ())),
        assignee_ids=tuple(data.get("assignee_ids", ())),
        states=tuple(TicketState(s) for s in data.get("states", ())),
        types=tuple(data.get("types", ())),
    )
