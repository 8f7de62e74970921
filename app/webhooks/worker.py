"""The delivery worker: claims due endpoints and delivers each one in its own task, event
after event in cursor order, so a slow or dead receiver holds only its own endpoint.

It runs inside `ticketgw serve` (app.main) or alone (`ticketgw webhooks run`); several
processes may run it at once (app.webhooks.leases). Woken by the broker when events are
committed, and by a poll of the database every `poll_interval` (retries falling due, other
processes' events with memory://). A wake-up starts a round only for a workspace that had a
deliverable endpoint at the last look (refreshed once per `poll_interval`): a round costs a
query, and a gateway whose workspaces have no endpoints would otherwise pay one per commit in
every process (some 18% of a mutation's CPU). An endpoint made since is found by the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, cast

import aiohttp
from sqlalchemy import func, select
from sqlmodel import col

from app.background import finish, log_failed_step, sleep_unless_stopped
from app.config import Settings
from app.db import TicketEvent, WebhookEndpoint, Workspace
from app.db.engine import Database
from app.db.types import utcnow
from app.domain.cursors import encode_event_cursor
from app.live.broker import Broker, Wakeup, follow_wakeups
from app.live.event_log import events_query
from app.observability import metrics
from app.webhooks.backoff import retry_delay
from app.webhooks.endpoints import Status, prune_deliveries
from app.webhooks.leases import (
    AttemptRow,
    Claim,
    claim_due,
    deliverable_workspaces,
    record_failure,
    record_success,
    release,
)
from app.webhooks.payload import event_body, load_context
from app.webhooks.sender import Outcome, new_client, send
from app.webhooks.signing import signature_header

log = logging.getLogger(__name__)

BATCH = 100  # events read per query of one endpoint's round
# Acknowledged events are recorded (attempt rows, the cursor) in one transaction per this many,
# or this often: a crash between two sends them again (at least once), never skips them.
FLUSH_EVENTS = 20
FLUSH_SECONDS = 0.1
STATS_EVERY = 5.0  # seconds between refreshes of the backlog gauges
PRUNE_EVERY = 3600.0  # seconds between deletions of old delivery attempts


@dataclass(frozen=True)
class WorkerRules:
    """The TICKETGW_WEBHOOK_* settings the worker reads (their defaults are Settings')."""

    retry_base: float
    retry_max: float
    max_failures: int
    timeout: float
    allow_private: bool
    lease: float
    concurrency: int
    poll_interval: float
    history_days: int

    @classmethod
    def defaults(cls, **changes: Any) -> WorkerRules:
        """The rules of the default Settings, with `changes`."""
        return replace(cls.from_settings(Settings()), **changes)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerRules:
        return cls(
            retry_base=settings.webhook_retry_base,
            retry_max=settings.webhook_retry_max,
            max_failures=max(1, settings.webhook_max_failures),
            timeout=settings.webhook_timeout,
            allow_private=settings.webhook_allow_private,
            lease=settings.webhook_lease,
            concurrency=max(1, settings.webhook_concurrency),
            poll_interval=settings.poll_interval,
            history_days=settings.webhook_history_days,
        )

    @property
    def lease_seconds(self) -> float:
        # A lease shorter than one delivery would let a second process send the same event
        # while the first still waits for its answer.
        return max(self.lease, self.timeout + 5.0)


class WebhookWorker:
    def __init__(self, db: Database, broker: Broker | None, rules: WorkerRules) -> None:
        self.db = db
        self.broker = broker
        self.rules = rules
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        # Set (and replaced) at every broker wake-up: rounds waiting for more events watch it.
        self._news = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._client: aiohttp.ClientSession | None = None
        self._last_stats = 0.0
        self._last_prune: float | None = None
        # Workspaces with a deliverable endpoint, as of `_watched_at` (None: not read yet, so
        # every wake-up counts).
        self._watched: set[int] | None = None
        self._watched_at = 0.0

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._stop.clear()
        # Before the first round and before the gateway takes requests: read while nothing
        # else waits on the pool (a short-lived gateway's first request then finds it free).
        await self._read_watched()
        self._client = new_client(
            allow_private=self.rules.allow_private, max_connections=self.rules.concurrency * 2
        )
        self._loop_task = asyncio.create_task(self._loop(), name="webhook-worker")
        if self.broker is not None:
            self._listener = asyncio.create_task(self._listen(), name="webhook-wakeups")

    async def stop(self) -> None:
        """Let deliveries in flight finish (or cut them after the grace period: their leases
        expire and another process sends them again), then close."""
        self._stop.set()
        self._wake.set()
        self._news.set()
        if self._listener is not None:
            self._listener.cancel()  # it only waits on the broker
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        tasks = [t for t in (self._loop_task, *self._tasks) if t is not None]
        await finish(tasks)
        if self._client is not None:
            await self._client.close()
        self._loop_task = self._listener = self._client = None

    def wake(self) -> None:
        self._wake.set()

    # --- loops -----------------------------------------------------------------------------

    async def _listen(self) -> None:
        assert self.broker is not None
        await follow_wakeups(
            self.broker,
            self._woken,
            retry_after=self.rules.poll_interval,
            log=log,
            failure="Webhook wake-ups from the broker failed; the poll goes on",
        )

    def _woken(self, wakeup: Wakeup) -> None:
        if self._watched is None or wakeup.workspace_id in self._watched:
            self._wake.set()
        self._news.set()
        self._news = asyncio.Event()

    async def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                await self.run_once()
            except Exception as error:  # the database may be down: try again next round
                log_failed_step(log, "webhook round failed", error)
            if self._stop.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.rules.poll_interval)

    async def run_once(self) -> int:
        """Claim what is due and start delivering it; the number of endpoints claimed."""
        if time.monotonic() - self._last_stats > STATS_EVERY:
            self._last_stats = time.monotonic()
            await self.refresh_stats()
        if self.rules.history_days > 0 and (
            self._last_prune is None or time.monotonic() - self._last_prune > PRUNE_EVERY
        ):
            self._last_prune = time.monotonic()
            older_than = utcnow() - timedelta(days=self.rules.history_days)
            await prune_deliveries(self.db, older_than=older_than)
        if time.monotonic() - self._watched_at >= self.rules.poll_interval:
            await self._read_watched()
        free = self.rules.concurrency - len(self._tasks)
        if free <= 0:
            return 0
        claims = await claim_due(
            self.db, self.owner, limit=free, lease_seconds=self.rules.lease_seconds
        )
        for claim in claims:
            task = asyncio.create_task(self._deliver(claim), name=f"webhook-{claim.endpoint_id}")
            self._tasks.add(task)
            task.add_done_callback(self._round_done)
        return len(claims)

    async def _read_watched(self) -> None:
        """Which workspaces have a deliverable endpoint; left as it was if the database is
        down (None at start: every wake-up counts until a read succeeds)."""
        try:
            self._watched = await deliverable_workspaces(self.db)
            self._watched_at = time.monotonic()
        except Exception as error:  # an outage at start must not stop the gateway starting
            log_failed_step(log, "reading the workspaces with webhook endpoints failed", error)

    def _round_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._wake.set()  # a slot is free, and the endpoint may have more

    async def idle(self) -> None:
        """Tests and benchmarks: wait until no round is running."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- one endpoint's round --------------------------------------------------------------

    async def _deliver(self, claim: Claim) -> None:
        held = True
        try:
            held = await self._round(claim)
        except Exception as error:
            log_failed_step(log, f"webhook round of endpoint {claim.endpoint_id} failed", error)
        finally:
            if held:
                with contextlib.suppress(Exception):  # the lease expires by itself anyway
                    await release(self.db, claim, self.owner)

    async def _round(self, claim: Claim) -> bool:
        """Deliver from the claim's cursor while events keep coming (waiting up to a poll
        interval for more before letting go: a busy endpoint is not claimed again for every
        event). False when it gave the lease back itself (a failure); otherwise the caller
        does (a lease already lost stays with its new owner: the release checks)."""
        acknowledged = _Acknowledged(self, claim)
        try:
            return await self._deliver_events(claim, acknowledged)
        finally:
            await acknowledged.settle()  # a write in flight ends before the lease is given back

    async def _deliver_events(self, claim: Claim, acknowledged: _Acknowledged) -> bool:
        while not self._stop.is_set() and not acknowledged.lost:
            news = self._news
            async with self.db.read_session() as session:
                now = (
                    await session.execute(
                        select(col(Workspace.event_seq), col(WebhookEndpoint.generation))
                        .join(WebhookEndpoint, col(WebhookEndpoint.workspace_id) == Workspace.id)
                        .where(col(WebhookEndpoint.id) == claim.endpoint_id)
                    )
                ).one_or_none()
                if now is None or now.generation != claim.generation:
                    return True  # deleted or changed by an admin: claim it afresh
                head = now.event_seq
                stmt = events_query(claim.workspace_id, claim.cursor, claim.event_filter)
                stmt = stmt.where(col(TicketEvent.seq) <= head).limit(BATCH)
                # events_query is typed as rows of one column; .scalars() gives the events.
                events = cast(list[TicketEvent], list((await session.execute(stmt)).scalars()))
                context = await load_context(session, claim.workspace_slug, events)
            for event in events:
                if self._stop.is_set() or acknowledged.lost:
                    break
                outcome = await self._send(claim, event_body(event, context), event)
                if not outcome.ok:
                    if not await acknowledged.flush():
                        return True
                    # A failure recorded gives the lease back; one refused (the endpoint
                    # changed meanwhile) leaves it to the caller.
                    return not await self._failed(claim, event, outcome)
                acknowledged.add(self._attempt(claim, event, outcome, next_attempt=None), event)
                claim.cursor, claim.failures = event.seq, 0
            if len(events) == BATCH or self._stop.is_set() or acknowledged.lost:
                continue  # more to read, or stopping (the cursor stays at the last sent)
            # Everything up to `head` was read: events the filter skipped need no reading
            # again. Written beside the wait for news, as the acknowledgements are.
            claim.cursor = max(head, claim.cursor)
            acknowledged.advance(claim.cursor)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(news.wait(), self.rules.poll_interval)
            if not news.is_set():
                break
        await acknowledged.flush()
        return True

    async def _send(self, claim: Claim, body: bytes, event: TicketEvent) -> Outcome:
        assert self._client is not None
        msg_id = encode_event_cursor(event.seq)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(claim.keys, msg_id, timestamp, body),
            "Ticketgw-Event": event.type,
        }
        return await send(
            self._client,
            claim.url,
            headers,
            body,
            timeout=self.rules.timeout,
            allow_private=self.rules.allow_private,
        )

    def _attempt(
        self, claim: Claim, event: TicketEvent, outcome: Outcome, *, next_attempt: float | None
    ) -> AttemptRow:
        now = utcnow()
        return {
            "endpoint_id": claim.endpoint_id,
            "event_seq": event.seq,
            "event_type": event.type,
            "attempt": claim.failures + 1,
            "succeeded": outcome.ok,
            "response_status": outcome.status,
            "error": None if outcome.error is None else outcome.error[:500],
            "duration_ms": outcome.duration_ms,
            "at": now,
            "next_attempt_at": (
                None if next_attempt is None else now + timedelta(seconds=next_attempt)
            ),
        }

    async def _failed(self, claim: Claim, event: TicketEvent, outcome: Outcome) -> bool:
        """Count the failure; True when recorded (which also gave the lease back)."""
        metrics.WEBHOOK_DELIVERIES.labels("failed").inc()
        failures = claim.failures + 1
        if outcome.gone:
            status, delay = Status.DISABLED, None
        elif failures >= self.rules.max_failures:
            status, delay = Status.PAUSED, None
        else:
            status = Status.ACTIVE
            delay = retry_delay(failures, base=self.rules.retry_base, cap=self.rules.retry_max)
        attempt = self._attempt(claim, event, outcome, next_attempt=delay)
        if not await record_failure(self.db, claim, self.owner, attempt, status=status):
            return False
        if status is not Status.ACTIVE:
            log.warning(
                "webhook endpoint %s is now %s (%s)", claim.endpoint_id, status, outcome.error
            )
        return True

    async def refresh_stats(self) -> None:
        """The backlog and status gauges of /metrics (every process sees the same numbers)."""
        async with self.db.read_session() as session:
            backlog = (
                await session.execute(
                    select(
                        func.coalesce(
                            func.sum(
                                col(Workspace.event_seq) - col(WebhookEndpoint.last_delivered_seq)
                            ),
                            0,
                        )
                    )
                    .select_from(WebhookEndpoint)
                    .join(Workspace, col(Workspace.id) == col(WebhookEndpoint.workspace_id))
                    .where(col(WebhookEndpoint.status) == Status.ACTIVE.value)
                )
            ).scalar_one()
            counts = dict(
                (
                    await session.execute(
                        select(col(WebhookEndpoint.status), func.count()).group_by(
                            col(WebhookEndpoint.status)
                        )
                    )
                ).all()
            )
        metrics.WEBHOOK_BACKLOG.set(int(backlog))
        for status in Status:
            metrics.WEBHOOK_ENDPOINTS.labels(status.value).set(int(counts.get(status.value, 0)))


async def run_forever(db: Database, broker: Broker | None, rules: WorkerRules,
                      stop: asyncio.Event) -> None:  # fmt: skip
    """`ticketgw webhooks run`: the worker alone until `stop` is set."""
    worker = WebhookWorker(db, broker, rules)
    await worker.start()
    try:
        while not await sleep_unless_stopped(stop, 3600):
            pass
    finally:
        await worker.stop()


class _Acknowledged:
    """Successful attempts of a round not yet written, and the cursor they move to: written
    together, in order, by one task beside the sends (the next POST does not wait for a commit;
    on SQLite a commit may wait for the write lock the mutations hold). Written FLUSH_EVENTS at
    a time or FLUSH_SECONDS after the first, or at once when the round waits for news. A crash
    before a write sends its events again (at least once); nothing is skipped: the cursor
    written is never past an attempt not written."""

    def __init__(self, worker: WebhookWorker, claim: Claim) -> None:
        self.worker = worker
        self.claim = claim
        self.attempts: list[AttemptRow] = []
        self.events: list[TicketEvent] = []
        self.cursor = self.written_cursor = claim.cursor
        self.since = 0.0
        self.urgent = False
        # The lease or the generation is no longer ours, or a write failed: the round stops.
        self.lost = False
        self._error: BaseException | None = None
        self._writer: asyncio.Task[None] | None = None

    def add(self, attempt: AttemptRow, event: TicketEvent) -> None:
        if not self.attempts:
            self.since = time.monotonic()
        self.attempts.append(attempt)
        self.events.append(event)
        self.cursor = event.seq
        self._start_writer()

    def advance(self, cursor: int) -> None:
        """Move the cursor past events the filter skipped, and write what is pending now."""
        self.cursor = max(self.cursor, cursor)
        self.urgent = True
        self._start_writer()

    def _pending(self) -> bool:
        return bool(self.attempts) or self.cursor != self.written_cursor

    def _due(self) -> bool:
        return self._pending() and (
            self.urgent
            or len(self.attempts) >= FLUSH_EVENTS
            or time.monotonic() - self.since >= FLUSH_SECONDS
        )

    def _start_writer(self) -> None:
        if self._writer is None and not self.lost and self._due():
            self._writer = asyncio.create_task(self._write_while_due())

    async def _write_while_due(self) -> None:
        try:
            while not self.lost and self._due():
                await self._write()
        except Exception as error:  # the database may be down: the round ends with it
            self.lost, self._error = True, error
        finally:
            self._writer = None

    async def _write(self) -> None:
        attempts, events, cursor = self.attempts, self.events, self.cursor
        self.attempts, self.events, self.urgent = [], [], False
        worker = self.worker
        held = await record_success(
            worker.db,
            self.claim,
            worker.owner,
            attempts,
            cursor,
            lease_seconds=worker.rules.lease_seconds,
        )
        if not held:
            log.info("webhook endpoint %s changed mid-round; stopping", self.claim.endpoint_id)
            self.lost = True
            return
        self.written_cursor = cursor
        metrics.WEBHOOK_DELIVERIES.labels("delivered").inc(len(attempts))
        now = utcnow()
        for attempt, event in zip(attempts, events, strict=True):
            if attempt["attempt"] == 1:
                metrics.WEBHOOK_LATENCY.observe((now - event.at).total_seconds())

    async def settle(self) -> None:
        """Wait for the write in flight, if any (it may be cancelled with the round)."""
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(writer)

    async def flush(self) -> bool:
        """Write everything pending; False when the round must stop (the lease or the
        endpoint's generation is no longer ours; a failed write raises)."""
        await self.settle()
        if not self.lost and self._pending():
            self.urgent = True
            self._writer = asyncio.create_task(self._write_while_due())
            await self.settle()
        if self._error is not None:
            raise self._error
        return not self.lost
