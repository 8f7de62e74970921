"""Qminder's line and location webhooks -> LineRecord / LocationRecord. Pure."""

from __future__ import annotations

from typing import Any

from app.domain.records import LineRecord, LocationRecord
from app.ingest.connectors.base import non_blank, parse_model
from app.ingest.connectors.qminder.models import QLine, QLocation


def read_line(data: Any) -> LineRecord:
    """`line_changed`: `{id, name}` (and the Line object's `location`, when sent)."""
    line = parse_model(QLine, data, "data")
    location = None if line.location is None else LocationRecord(str(line.location))
    return LineRecord(str(line.id), non_blank(line.name), location)


def read_location(data: Any) -> LocationRecord:
    """`location_created` / `location_changed`: `{id, name}`."""
    location = parse_model(QLocation, data, "data")
    return LocationRecord(str(location.id), non_blank(location.name))
