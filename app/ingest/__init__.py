"""Vendor ingest: upsert a normalized vendor ticket and append the events its changes imply.

Tickets upsert on (workspace, origin system, vendor ticket id). A payload older than the stored
one (by the vendor's update time) changes nothing; the same payload twice changes nothing and
writes no event. Child lists are authoritative and matched by natural keys, so replays never
duplicate them. People, teams, lines, contacts and labels are matched by vendor id (created when
new). `ingest_many` runs a batch in one transaction; a bad record is rejected whole (SAVEPOINT)
and the others go on.

Modules: ordering (stale or repeated payloads), refs (vendor id -> row), transitions (which
events), children (child lists), update (a newer payload's phases), upsert (one record,
`ingest`), batch (`ingest_many`), places (vendor lines and locations, `ingest_place`).

May import: app.tickets (the lifecycle's apply functions, the unit of work), app.live, app.db,
app.domain. connectors/ imports only app.domain.
"""

from app.ingest.batch import BATCH_SIZE, ingest_many
from app.ingest.places import PlaceResult, ingest_place
from app.ingest.refs import IngestRefs
from app.ingest.transitions import status_event
from app.ingest.upsert import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    IngestResult,
    ingest,
)

__all__ = [
    "BATCH_SIZE",
    "CREATED",
    "REJECTED",
    "UNCHANGED",
    "UPDATED",
    "IngestRefs",
    "IngestResult",
    "PlaceResult",
    "ingest",
    "ingest_many",
    "ingest_place",
    "status_event",
]
