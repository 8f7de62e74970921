"""Data the database keeps from the tables by triggers: the search documents and indexes
(`search_index`; a bulk import's documents written once per batch instead, `search_documents`),
the per-workspace ticket counts (`ticket_counts`) and the SLA timers' values as a ticket page
carries them (`sla_carried`).

May import: app.db, app.domain.
"""

from typing import Any

from app.db.derived.search_index import is_search_object
from app.db.derived.sla_carried import is_carried_column


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's `include_name` hook: compare everything but what the triggers keep without a
    model (the search index's objects, `sla_timer.carried`)."""
    return not is_search_object(name) and not is_carried_column(name, type_, parent_names)
