"""Transport-level fan-out: each event resolved once for a group and its frame written straight
to every socket of the group (issue 16).

A group is the subscribers of one workspace that get the same result for every event: the same
selection and variables under the same visibility (`FanoutSpec.key`, made by the schema:
schema/subscriptions/fanout.py) and the same filter. The ordinary path runs, per subscriber and
per event, the feed's generator chain, graphql-core's per-event executor, Strawberry's result
hooks and the transport's send; a group member runs none of it: the group resolves the event
once (`render`, with one member's executor) and writes each member its frame.

A subscriber joins only when it is caught up: nothing buffered, not reading the log, and what
it yielded last already written (subscriptions pull: the feed's generator runs again only after
the transport sent the previous result). From then on the feed hands its events to the group,
and the group writes to it only events after the last seq it had, in seq order, setting that
seq as it goes. It is released back to the ordinary path, which reads the log from that seq,
when an event can't go out as a plain data frame (an error or an outage: the ordinary path
decides, e.g. closing with 1013), when the group's buffer overflows, or when its own socket
does not keep up (a bounded outbox); it joins again once caught up. A released member resumes
only after its outbox is written, so nothing overtakes what was queued for it.

Resolving: the group resolves the next few queued events while the current one's frames go
out (LOOKAHEAD), so a clump of events does not wait for each one's database round trip in
turn; frames still go out strictly in seq order.

Writes: a socket send normally completes without waiting (the frame fits in the transport's
buffer), so the group runs it to completion on the spot, with no task; only a send that has to
wait becomes a task, and the member's later frames queue behind it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from app.db import TicketEvent
from app.domain.event_filter import EventFilter
from app.live.feed_subscriber import Subscriber
from app.live.shared_data import SharedData
from app.observability import metrics

log = logging.getLogger(__name__)

LOOKAHEAD = 8  # queued events a group resolves ahead of the one it is writing


class DirectSocket(Protocol):
    """One subscription's end of a socket, as the transport lets the group write to it."""

    def is_open(self) -> bool:
        """False once the operation is completed or its socket closing: no frame may follow."""
        ...

    def frame(self, data: SharedData) -> str | None:
        """The whole `next` message carrying this data, or None if it can't be made here."""
        ...

    def send(self, frame: str) -> Coroutine[Any, Any, None]: ...


# Set by the transport in the task that runs one operation (app/http/websocket/direct.py); the
# subscription's resolver reads it to offer the feed its socket.
current_socket: ContextVar[DirectSocket | None] = ContextVar("current_socket", default=None)

Render = Callable[[TicketEvent], Awaitable[SharedData | None]]


@dataclass(frozen=True, eq=False)
class FanoutSpec:
    """What a subscription brings to the fan-out: its group key, how the group resolves an
    event for it (None: the event must go the ordinary way), and its socket."""

    key: Hashable
    render: Render
    socket: DirectSocket


async def _finish(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Drive a coroutine that suspended on `waiting` to its end, as a task would have."""
    try:
        while True:
            if isinstance(waiting, asyncio.Future):
                await asyncio.wait((waiting,))  # its outcome is the coroutine's to read
            else:
                await asyncio.sleep(0)  # a bare yield
            waiting = coro.send(None)
    except StopIteration:
        return
    except asyncio.CancelledError:
        coro.close()
        raise


class Member:
    def __init__(self, group: Group, sub: Subscriber, spec: FanoutSpec, max_outbox: int) -> None:
        self.group = group
        self.sub = sub
        self.spec = spec
        self.max_outbox = max_outbox
        self.outbox: deque[str] = deque()
        self.flushing: asyncio.Task[None] | None = None

    def push(self, frame: str) -> bool:
        """Write a frame, in order after those before it; False when the outbox is full (the
        frame is not taken)."""
        if self.flushing is not None:
            if len(self.outbox) >= self.max_outbox:
                return False
            self.outbox.append(frame)
            return True
        coro = self.spec.socket.send(frame)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return True
        except Exception:
            self.group.drop(self)  # the socket is gone; its handler ends the subscription
            return True
        self.flushing = asyncio.create_task(self._flush(coro, waiting))
        return True

    async def _flush(self, coro: Coroutine[Any, Any, None], waiting: Any) -> None:
        try:
            await _finish(coro, waiting)
            while self.outbox:
                await self.spec.socket.send(self.outbox.popleft())
        except Exception:
            self.outbox.clear()
            self.group.drop(self)
        finally:
            self.flushing = None

    async def written(self) -> None:
        """Until every frame pushed to this member is written (or its socket failed)."""
        while self.flushing is not None:
            await asyncio.wait((self.flushing,))


class Group:
    def __init__(
        self,
        key: Hashable,
        event_filter: EventFilter,
        *,
        max_queue: int,
        on_empty: Callable[[Group], None],
    ) -> None:
        self.key = key
        self.filter = event_filter
        self.max_queue = max_queue
        self.members: dict[Subscriber, Member] = {}
        self._on_empty = on_empty
        self._events: deque[TicketEvent] = deque()
        self._resolving: dict[int, asyncio.Future[SharedData | None]] = {}  # by seq
        self._ready = asyncio.Event()
        self._closed = False
        self.task = asyncio.create_task(self._run(), name="feed-fanout")

    def join(self, sub: Subscriber, spec: FanoutSpec) -> Member:
        """The caller guarantees `sub` is caught up (see the module's docstring)."""
        member = Member(self, sub, spec, self.max_queue)
        self.members[sub] = member
        sub.grouped = True
        return member

    def leave(self, sub: Subscriber) -> None:
        """No frame is written to `sub` after this (its subscription ends, or it is released)."""
        if self.members.pop(sub, None) is not None:
            sub.grouped = False
        if not self.members and not self._closed:
            self.close()
            self._on_empty(self)

    def release(self, member: Member) -> None:
        """Back to the ordinary path: the subscriber reads the log from its last seq."""
        if self.members.get(member.sub) is member:
            self.leave(member.sub)
            member.sub.release()

    def drop(self, member: Member) -> None:
        """Its socket failed or is closing: no more frames, and the subscription ends (if the
        transport has not ended it already, FeedClosed closes the socket with 1012)."""
        if self.members.get(member.sub) is member:
            self.leave(member.sub)
            member.sub.close("The socket failed")

    def close(self) -> None:
        self._closed = True
        self._forget_resolving()
        self._ready.set()

    def offer(self, event: TicketEvent) -> None:
        """Events matching the group's filter, in seq order (the feed's fetcher)."""
        if len(self._events) >= self.max_queue:
            # The group fell behind: every member reads the log from its own last seq.
            self._events.clear()
            self._forget_resolving()
            for member in list(self.members.values()):
                self.release(member)
            return
        self._events.append(event)
        self._ready.set()

    async def _run(self) -> None:
        try:
            await self._deliver()
        except Exception:
            # A group that can't go on must not leave its members parked: the ordinary path
            # takes them back from their own last seq.
            log.exception("A fan-out group failed; its members go back to their own path")
            for member in list(self.members.values()):
                self.release(member)

    async def _deliver(self) -> None:
        while True:
            while not self._events:
                if self._closed:
                    return
                self._ready.clear()
                await self._ready.wait()
            if self._closed:
                return
            event = self._events.popleft()
            resolving = self._resolving.pop(event.seq, None)
            members = [m for m in self.members.values() if m.sub.last_seq < event.seq]
            if not members:
                if resolving is not None:
                    resolving.cancel()
                continue  # everyone has it already (they joined after it was offered)
            render = members[0].spec.render
            if resolving is None:
                resolving = self._resolve(event, render)
            for ahead in itertools.islice(self._events, LOOKAHEAD):
                if ahead.seq not in self._resolving:
                    self._resolving[ahead.seq] = self._resolve(ahead, render)
            try:
                data = await resolving
            except Exception:
                log.exception("Resolving event %s for a fan-out group failed", event.seq)
                data = None
            delivered = 0
            # Members may have joined or left while the event was resolved: read them again.
            for member in list(self.members.values()):
                if member.sub.last_seq >= event.seq:
                    continue
                socket = member.spec.socket
                frame = socket.frame(data) if data is not None and socket.is_open() else None
                if frame is None and socket.is_open():
                    self.release(member)  # the ordinary path sends this event its own way
                elif frame is None:
                    self.drop(member)
                elif member.push(frame):
                    member.sub.last_seq = event.seq
                    delivered += 1
                else:
                    self.release(member)  # its socket does not keep up
            metrics.EVENTS_DELIVERED.inc(delivered)

    def _resolve(self, event: TicketEvent, render: Render) -> asyncio.Future[SharedData | None]:
        future = asyncio.ensure_future(render(event))
        future.add_done_callback(_retrieve)  # it may be forgotten unread
        return future

    def _forget_resolving(self) -> None:
        # The shared resolutions behind them are shielded: others waiting for them go on.
        for future in self._resolving.values():
            future.cancel()
        self._resolving.clear()


def _retrieve(future: asyncio.Future[SharedData | None]) -> None:
    if not future.cancelled():
        future.exception()
