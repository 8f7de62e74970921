"""File import: stream a vendor export (object, array, NDJSON or list envelope) into tickets.

Memory stays bounded: the file is read in chunks, split into records by a push parser, and
upserted `BATCH_SIZE` at a time (one transaction per batch, one SAVEPOINT per record, see
`ingest_many`), each batch stored while the next is read, so that parsing and the database's
work overlap. A bad record is rejected with where it is (its line, and its index inside an
array), the field and a stable reason; it never stops the rest and never leaves half a ticket
behind. A webhook log imports like the webhooks it logs: line and location entries too.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import text

from app.domain.errors import validation
from app.domain.records import TicketRecord
from app.ingest import (
    BATCH_SIZE,
    CREATED,
    REJECTED,
    UPDATED,
    IngestRefs,
    ingest_many,
    ingest_place,
)
from app.ingest.connectors import PayloadError, get_connector
from app.ingest.connectors.base import TEXT_CHECKED, Connector
from app.ingest.connectors.jsonstream import JsonRecordSplitter, Malformed, Record
from app.live.service_env import ServiceEnv

CHUNK_BYTES = 256 * 1024
# While a batch is being stored, reading gives it a turn every this many records.
YIELD_EVERY = 16

Progress = Callable[[int], None]  # called with the number of records done so far

# A bulk load outruns autovacuum: without fresh statistics PostgreSQL plans the lookups by
# vendor id as a scan of the whole workspace (seconds per batch at 100k tickets). So the
# import refreshes them itself as the tables grow: after 2k, 4k, 8k... records.
ANALYZE_FIRST_AT = 2000
_ANALYZED = ("ticket", "contact", "app_user", "team", "line", "label", "message")


async def _analyze(env: ServiceEnv) -> None:
    async with env.db.transaction() as session:
        await session.execute(text(f"ANALYZE {', '.join(_ANALYZED)}"))


@dataclass(frozen=True)
class Rejection:
    """A record that was not stored: where it is, which field, and why."""

    line: int  # 1-based, where the record starts
    index: int | None  # 0-based place in its array; None at the top level (NDJSON, an object)
    field: str | None  # dotted path inside the record, e.g. messages[0].created_datetime
    reason: str

    def as_dict(self) -> dict[str, object]:
        where: dict[str, object] = {"line": self.line}
        if self.index is not None:
            where["index"] = self.index
        return where | {"field": self.field, "reason": self.reason}


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

    def count(self, result: str) -> None:
        if result == CREATED:
            self.created += 1
        elif result == UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


class _Batcher:
    def __init__(
        self,
        env: ServiceEnv,
        workspace_id: int,
        connector: Connector,
        summary: ImportSummary,
        progress: Progress | None,
        batch_size: int,
        now: datetime | None,
    ) -> None:
        self.env, self.workspace_id, self.connector = env, workspace_id, connector
        self.summary, self.progress, self.batch_size, self.now = summary, progress, batch_size, now
        self.refs = IngestRefs()
        self.pending: list[tuple[Record, TicketRecord]] = []
        self.stored = 0
        self.analyze_at = ANALYZE_FIRST_AT
        # The batch being stored while the next one is read: the file's parsing and the
        # database's work overlap. One at a time: batches share the references cache, and
        # results (rejections too) are reported in the order the records came.
        self.inflight: asyncio.Future[None] | None = None
        self.held: list[Rejection] = []  # read rejections that follow the batch in flight
        self.read = 0

    def _reject(self, at: Record | Malformed, field_: str | None, reason: str) -> None:
        rejection = Rejection(at.line, at.index, field_, reason)
        if self.inflight is not None:
            self.held.append(rejection)
            return
        self.summary.rejected.append(rejection)
        self._report()

    async def add(self, item: Record | Malformed) -> None:
        self.read += 1
        if self.inflight is not None and self.read % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # reading is CPU work: let the batch in flight move on
        if isinstance(item, Malformed):
            self._reject(item, None, item.reason)
            return
        checked = TEXT_CHECKED.set(item.plain)
        try:
            record = self.connector.read(item.value, now=self.now)
        except PayloadError as error:
            self._reject(item, error.field, error.message)
            return
        finally:
            TEXT_CHECKED.reset(checked)
        if not isinstance(record, TicketRecord):  # a line or a location: after what came first
            await self.flush()
            await self.settle()
            system = self.connector.name.upper()
            place = await ingest_place(self.env, self.workspace_id, system, record)
            self.summary.count(place.result)
            self._report()
            return
        self.pending.append((item, record))
        if len(self.pending) >= self.batch_size:
            await self.flush()

    async def flush(self) -> None:
        """Start storing the records read so far (after the batch in flight is stored)."""
        await self.settle()
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        self.inflight = asyncio.ensure_future(self._store(batch))

    async def settle(self) -> None:
        """Wait for the batch in flight; then report the rejections read after it."""
        if self.inflight is not None:
            inflight, self.inflight = self.inflight, None
            await inflight
        if self.held:
            self.summary.rejected += self.held
            self.held = []
            self._report()

    async def abandon(self) -> None:
        """The import is stopping early (an error, a cancellation): no batch left running."""
        if self.inflight is not None:
            inflight, self.inflight = self.inflight, None
            inflight.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await inflight

    async def _store(self, batch: list[tuple[Record, TicketRecord]]) -> None:
        results = await ingest_many(
            self.env,
            self.workspace_id,
            [record for _, record in batch],
            batch_size=len(batch),
            refs=self.refs,
        )
        self.stored += len(batch)
        if self.stored >= self.analyze_at and not self.env.db.is_sqlite:
            await _analyze(self.env)
            self.analyze_at *= 2
        for (item, _), result in zip(batch, results, strict=True):
            if result.result == REJECTED:
                reason = result.reason or "Rejected."
                self.summary.rejected.append(Rejection(item.line, item.index, result.field, reason))
            else:
                self.summary.count(result.result)
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.summary.total)


async def import_file(
    env: ServiceEnv,
    workspace_id: int,
    vendor: str,
    stream: BinaryIO,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> ImportSummary:
    """Import every record of `stream` (binary, UTF-8) as `vendor` tickets into the workspace."""
    connector = get_connector(vendor)
    if connector is None:
        raise validation("Unknown vendor.", "vendor")
    summary = ImportSummary()
    batcher = _Batcher(env, workspace_id, connector, summary, progress, batch_size, now)
    splitter = JsonRecordSplitter()
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    try:
        while True:
            # File reads can block (a pipe, a network disk): keep the event loop free.
            chunk = await asyncio.to_thread(stream.read, CHUNK_BYTES)
            if not chunk:
                break
            for item in splitter.feed(decoder.decode(chunk)):
                await batcher.add(item)
        for item in splitter.feed(decoder.decode(b"", final=True)) + splitter.close():
            await batcher.add(item)
        await batcher.flush()
        await batcher.settle()
    except BaseException:
        await batcher.abandon()
        raise
    return summary
