"""`sla_timer.carried`: each SLA timer's values as a ticket page carries them, as JSON text.

PostgreSQL only. Kept by a trigger with every write of the timer's carried columns (migration
0022), read by the page's statement (app/loaders/carried_timers.py), never written by
application code; the SlaTimer model leaves it out, so that no ORM write or read touches it.
"""

from typing import Any

TABLE, COLUMN = "sla_timer", "carried"


def is_carried_column(name: str | None, type_: str, parent_names: Any) -> bool:
    return type_ == "column" and name == COLUMN and parent_names.get("table_name") == TABLE
