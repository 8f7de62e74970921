"""The one EventFeed per process: reads each workspace's new events once and fans them out.

Wake-ups come from the broker (fast path) and from a poll of the log about once a second (so
writes of other processes arrive with memory://, and a lost Redis message only delays). Per
workspace with subscribers a pump keeps `head`, the last seq it read, fetches what is newer with
one query and offers it to every subscriber. Each subscription is its own generator: it first
reads the log from its cursor (replay, or catch-up after falling behind), then takes live events
from its bounded buffer, dropping anything at or below the last seq it delivered.

A subscription that brings a FanoutSpec (a graphql-transport-ws socket) joins its fan-out group
whenever it is caught up, and the pump hands its events to the group instead, which writes them
to every member's socket at once (app/live/fanout.py); it falls back to its own generator, from
its last seq, whenever the group releases it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import col

from app.background import finish, log_failed_step, sleep_unless_stopped
from app.db import TicketEvent, Workspace
from app.db.engine import Database
from app.domain.event_filter import EventFilter
from app.live import event_log
from app.live.broker import Broker, follow_wakeups
from app.live.event_match import event_matches, load_ticket_facts
from app.live.fanout import FanoutSpec, Group
from app.live.feed_subscriber import FeedClosed, Subscriber
from app.live.service_env import ServiceEnv
from app.observability import metrics

__all__ = ["EventFeed", "FeedClosed", "FeedStats"]

log = logging.getLogger(__name__)

_EVERYTHING = EventFilter()


@dataclass
class _Channel:
    """The feed's state for one workspace that has subscribers."""

    workspace_id: int
    head: int
    subscribers: set[Subscriber] = field(default_factory=set)
    groups: dict[tuple[object, EventFilter], Group] = field(default_factory=dict)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


@dataclass(frozen=True)
class FeedStats:
    workspaces: int
    subscribers: int
    queued: int  # events buffered across all subscribers right now
    behind: int  # subscribers catching up from the log
    peak_queue: int  # the largest buffer any current subscriber ever held
    grouped: int = 0  # subscribers a fan-out group writes to
    groups: int = 0  # fan-out groups with members


class EventFeed:
    def __init__(
        self,
        env_or_db: ServiceEnv | Database,
        broker: Broker | None = None,
        *,
        poll_interval: float = 1.0,
        queue_size: int = 1000,
        page_size: int = 500,
    ) -> None:
        self.db = env_or_db.db if isinstance(env_or_db, ServiceEnv) else env_or_db
        if broker is None and isinstance(env_or_db, ServiceEnv):
            broker = env_or_db.broker
        self.broker = broker
        self.poll_interval = poll_interval
        self.queue_size = queue_size
        self.page_size = page_size
        self._channels: dict[int, _Channel] = {}
        self._poller: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._started = False
        self._closed: str | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._started, self._closed = True, None
        self._stop.clear()
        self._poller = asyncio.create_task(self._poll(), name="event-feed-poll")
        self._listener = None
        if self.broker is not None:
            self._listener = asyncio.create_task(self._listen(), name="event-feed-listen")

    async def stop(self, reason: str = "shutdown") -> None:
        """End every subscription, then the poll and the pumps once their reads finish."""
        self.close_all(reason)
        self._stop.set()
        pumps = [c.task for c in self._channels.values() if c.task is not None]
        for channel in self._channels.values():
            channel.wake.set()
            for group in channel.groups.values():
                group.close()
                pumps.append(group.task)
        self._channels = {}
        if self._listener is not None:
            self._listener.cancel()  # it only waits on the broker: safe to cut anywhere
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await finish([t for t in (self._poller, *pumps) if t is not None])
        self._started = False

    def close_all(self, reason: str) -> None:
        """End every live subscription (their generators raise FeedClosed) and refuse new ones."""
        self._closed = reason
        for channel in self._channels.values():
            for sub in channel.subscribers:
                sub.close(reason)

    # --- public reads ----------------------------------------------------------------------

    async def latest_seq(self, workspace_id: int) -> int:
        """The workspace's current cursor position (one small query)."""
        return await event_log.latest_seq(self.db, workspace_id)

    def stats(self) -> FeedStats:
        subs = [s for c in self._channels.values() for s in c.subscribers]
        return FeedStats(
            workspaces=len(self._channels),
            subscribers=len(subs),
            queued=sum(s.queued for s in subs),
            behind=sum(1 for s in subs if s.behind or s.replaying),
            peak_queue=max((s.peak for s in subs), default=0),
            grouped=sum(1 for s in subs if s.grouped),
            groups=sum(len(c.groups) for c in self._channels.values()),
        )

    async def subscribe(
        self,
        workspace_id: int,
        *,
        after_seq: int | None,
        event_filter: EventFilter,
        fanout: FanoutSpec | None = None,
    ) -> AsyncGenerator[TicketEvent, None]:
        """Matching events of one workspace in seq order: after `after_seq` (replayed from the
        log, then live), or from now when it is None. Raises DomainError(CURSOR_EXPIRED) for a
        cursor past retention and FeedClosed when the feed shuts down. With `fanout`, the
        events that come while the subscriber is caught up are written to its socket by its
        group instead of being yielded."""
        if self._closed is not None:
            raise FeedClosed(self._closed)
        if not self._started:
            raise RuntimeError("EventFeed.start() must be awaited before subscribe()")
        if after_seq is not None:
            async with self.db.read_session() as session:
                await event_log.check_cursor(session, workspace_id, after_seq)
        channel = await self._channel(workspace_id)
        # No await between getting the channel and joining it: see _channel.
        sub = Subscriber(event_filter, last_seq=after_seq or 0, max_queue=self.queue_size)
        channel.subscribers.add(sub)
        try:
            if after_seq is None:
                sub.last_seq = await self.latest_seq(workspace_id)
            while True:
                if fanout is not None and sub.caught_up:
                    # No await between the check and joining: no offer falls in between.
                    member = self._group(channel, fanout.key, event_filter).join(sub, fanout)
                    try:
                        await sub.park()
                    finally:
                        member.group.leave(sub)  # released already, or closed, or cancelled
                    await member.written()  # what the group queued goes out before the rest
                event = await sub.next()
                if event is None:
                    sub.go_live()
                    sub.replaying = True
                    counted = False
                    try:
                        async for replayed in self._read_log(workspace_id, sub):
                            if not counted:
                                counted = True
                                metrics.REPLAY_CATCHUPS.inc()
                            metrics.EVENTS_DELIVERED.inc()
                            yield replayed
                    finally:
                        sub.replaying = False
                elif event.seq > sub.last_seq:
                    sub.last_seq = event.seq
                    metrics.EVENTS_DELIVERED.inc()
                    yield event
        finally:
            self._leave(channel, sub)

    # --- internals -------------------------------------------------------------------------

    async def _read_log(
        self, workspace_id: int, sub: Subscriber
    ) -> AsyncGenerator[TicketEvent, None]:
        """Everything matching after sub.last_seq, page by page; no session is held while the
        consumer handles an event."""
        while True:
            async with self.db.read_session() as session:
                stmt = event_log.events_query(workspace_id, sub.last_seq, sub.filter)
                page = list((await session.execute(stmt.limit(self.page_size))).scalars())
            for event in page:
                sub.last_seq = event.seq
                yield event
            if len(page) < self.page_size:
                return

    async def _channel(self, workspace_id: int) -> _Channel:
        """The workspace's channel, created with head = the log's latest seq.

        The head is read before the caller joins, and the caller reads the log only after it
        joins, so every event is either in that read or newer than head and offered to it.
        """
        channel = self._channels.get(workspace_id)
        if channel is not None:
            return channel
        head = await self.latest_seq(workspace_id)
        channel = self._channels.get(workspace_id)  # someone may have made it meanwhile
        if channel is None:
            channel = _Channel(workspace_id, head)
            channel.task = asyncio.create_task(self._pump(channel), name=f"feed-{workspace_id}")
            self._channels[workspace_id] = channel
        return channel

    def _group(self, channel: _Channel, key: object, event_filter: EventFilter) -> Group:
        """The channel's group for this key and filter, made when it has no members yet."""
        group = channel.groups.get((key, event_filter))
        if group is None:

            def forget(empty: Group) -> None:
                if channel.groups.get((key, event_filter)) is empty:
                    del channel.groups[(key, event_filter)]

            group = Group(key, event_filter, max_queue=self.queue_size, on_empty=forget)
            channel.groups[(key, event_filter)] = group
        return group

    def _leave(self, channel: _Channel, sub: Subscriber) -> None:
        channel.subscribers.discard(sub)
        if not channel.subscribers and self._channels.get(channel.workspace_id) is channel:
            del self._channels[channel.workspace_id]
            channel.wake.set()  # the pump sees it is no longer registered and ends

    async def _pump(self, channel: _Channel) -> None:
        while True:
            await channel.wake.wait()
            channel.wake.clear()
            if self._channels.get(channel.workspace_id) is not channel:
                return
            try:
                await self._fetch(channel)
            except Exception as error:
                # The next wake-up or poll tries again from the same head: nothing is lost.
                what = f"Reading the event log of workspace {channel.workspace_id} failed"
                log_failed_step(log, what, error)

    async def _fetch(self, channel: _Channel) -> None:
        while channel.subscribers:
            async with self.db.read_session() as session:
                stmt = event_log.events_query(channel.workspace_id, channel.head, _EVERYTHING)
                events = list((await session.execute(stmt.limit(self.page_size))).scalars())
                facts = {}
                if events and any(s.filter.needs_ticket for s in channel.subscribers):
                    facts = await load_ticket_facts(session, (e.ticket_id for e in events))
            if not events:
                return
            channel.head = events[-1].seq
            for sub in list(channel.subscribers):
                if sub.grouped:
                    continue  # its group has it (below)
                for event in events:
                    if event_matches(event, sub.filter, facts.get(event.ticket_id)):
                        sub.offer(event)
            for group in list(channel.groups.values()):
                for event in events:
                    if event_matches(event, group.filter, facts.get(event.ticket_id)):
                        group.offer(event)
            if len(events) < self.page_size:
                return

    def _wake(self, workspace_id: int, seq: int) -> None:
        channel = self._channels.get(workspace_id)
        if channel is not None and seq > channel.head:
            channel.wake.set()

    async def _listen(self) -> None:
        assert self.broker is not None
        await follow_wakeups(
            self.broker,
            lambda wakeup: self._wake(wakeup.workspace_id, wakeup.seq),
            retry_after=self.poll_interval,
            log=log,
            failure="Broker listener failed; the poll keeps subscribers fed",
        )

    async def _poll(self) -> None:
        """One small query per interval for all active workspaces: who has something new?"""
        while not await sleep_unless_stopped(self._stop, self.poll_interval):
            ids = list(self._channels)
            if not ids:
                continue
            try:
                async with self.db.read_session() as session:
                    stmt = select(col(Workspace.id), col(Workspace.event_seq)).where(
                        col(Workspace.id).in_(ids)
                    )
                    rows = (await session.execute(stmt)).all()
            except Exception as error:
                log_failed_step(log, "Polling the event log failed", error)
                continue
            for row in rows:
                self._wake(row.id, row.event_seq)
