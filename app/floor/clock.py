"""The floor's clock: estimates count from it. One function, so a simulation can replay a day
(tests/floor) by replacing it together with app.tickets.unit_of_work's."""

from __future__ import annotations

from datetime import datetime

from app.db.types import utcnow


def now() -> datetime:
    return utcnow()
