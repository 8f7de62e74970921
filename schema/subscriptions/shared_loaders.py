"""Loaders shared by every subscriber resolving the same event in this process.

200 consoles watching one workspace all resolve `ticket { ... }` of the same event. With a
loader set per subscriber that is one query per event per subscriber; sharing one set per
(workspace, event) makes it one query per event. It is safe: loaders are scoped to the
workspace, and every subscriber of the workspace may read the same rows. Entries live briefly,
so a replay long after the event still reads the ticket as it is now. A subscriber that
disconnects while resolving must not cancel the values others wait for: the loaders are built
`shared` (each waiter behind a shield).
"""

from __future__ import annotations

import time

from app.db.engine import Database
from app.loaders import Loaders
from schema.subscriptions.brief_cache import BriefCache

_TTL_SECONDS = 2.0
_MAX_ENTRIES = 1024


class SharedLoaders:
    def __init__(self, *, ttl: float = _TTL_SECONDS, max_entries: int = _MAX_ENTRIES) -> None:
        self._entries: BriefCache[tuple[int, int], Loaders] = BriefCache(
            ttl=ttl, max_entries=max_entries
        )

    def for_event(self, db: Database, workspace_id: int, seq: int) -> Loaders:
        now = time.monotonic()
        key = (workspace_id, seq)
        loaders = self._entries.get(key, now)
        if loaders is None:
            loaders = Loaders.for_workspace(db, workspace_id, shared=True)
            self._entries.put(key, loaders, now)
        return loaders


# One per process: subscriptions of every connection share it.
shared_loaders = SharedLoaders()
