"""Redis pub/sub broker for several gateway processes.

One channel carries every workspace's wake-ups as "workspace_id:seq". Redis may go away: publish
logs and swallows the failure, listen reconnects with backoff and never raises. Both are safe
because the event log is the truth and subscribers also poll it.

The listeners of one broker (a process's event feed and its webhook worker) share one
subscription: one connection reads and parses each message once (~80 µs of redis-py each) and
hands it to every listener's own queue, as the memory broker does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

from app.live.broker.base import Wakeup

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "ticketgw:wakeup"
_FIRST_BACKOFF = 0.1
_MAX_BACKOFF = 5.0
# How long one read waits for a message; bounds how quickly disconnect() is noticed.
_READ_TIMEOUT = 1.0
# A listener that falls this far behind loses wake-ups, which is harmless: it polls the log.
_QUEUE_SIZE = 1000


def encode_wakeup(wakeup: Wakeup) -> bytes:
    return f"{wakeup.workspace_id}:{wakeup.seq}".encode()


def decode_wakeup(data: Any) -> Wakeup | None:
    """None for anything that isn't ours: a foreign publisher on the channel must not break us."""
    try:
        text = data.decode() if isinstance(data, bytes) else str(data)
        workspace, _, seq = text.partition(":")
        return Wakeup(int(workspace), int(seq))
    except (UnicodeDecodeError, ValueError):
        return None


class RedisBroker:
    def __init__(self, url: str, *, channel: str = DEFAULT_CHANNEL) -> None:
        self.url = url
        self.channel = channel
        self._client: Redis | None = None
        self._closed = False
        # Each listener's queue (None in it: the broker was disconnected), and the one reader.
        self._queues: set[asyncio.Queue[Wakeup | None]] = set()
        self._reader: asyncio.Task[None] | None = None

    def _make_client(self) -> Redis:
        from redis.asyncio import Redis  # imported lazily: redis is an optional extra
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # No client-side retries: a commit must not wait on Redis; the poll covers a lost wake-up.
        return Redis.from_url(
            self.url,
            socket_connect_timeout=2,
            socket_timeout=2,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=15,
        )

    @property
    def client(self) -> Redis:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    async def connect(self) -> None:
        """Checks Redis is there, but a Redis that is down only earns a warning: we reconnect."""
        self._closed = False
        from redis.exceptions import RedisError

        try:
            await self.client.ping()
        except (RedisError, OSError) as exc:
            log.warning("Redis broker not reachable yet (%s); will keep trying", type(exc).__name__)

    async def disconnect(self) -> None:
        self._closed = True
        await self._stop_reader()
        for queue in self._queues:
            with suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def ping(self) -> bool:
        from redis.exceptions import RedisError

        try:
            return bool(await self.client.ping())
        except (RedisError, OSError):
            return False

    async def publish(self, wakeup: Wakeup) -> None:
        from redis.exceptions import RedisError

        try:
            await self.client.publish(self.channel, encode_wakeup(wakeup))
        except (RedisError, OSError) as exc:
            log.warning("Redis publish failed (%s); subscribers will poll", type(exc).__name__)

    @asynccontextmanager
    async def listen(self) -> AsyncIterator[AsyncIterator[Wakeup]]:
        queue: asyncio.Queue[Wakeup | None] = asyncio.Queue(_QUEUE_SIZE)
        if self._reader is None:
            # Subscribe before handing the iterator out: "from now on" means from the
            # context's start (for a later listener too: the reader is subscribed already).
            connection = await self._subscribe()
            if self._reader is None:
                self._reader = asyncio.create_task(self._read(connection), name="redis-wakeups")
            elif connection is not None:  # another listener started the reader meanwhile
                await _close_quietly(*connection)
        self._queues.add(queue)
        messages = _drain(queue)
        try:
            yield messages
        finally:
            self._queues.discard(queue)
            await messages.aclose()
            if not self._queues:
                await self._stop_reader()

    async def _stop_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with suppress(asyncio.CancelledError):
                await reader

    async def _subscribe(self) -> tuple[PubSub, Redis] | None:
        """A fresh connection subscribed to the channel, or None (logged) when Redis is away."""
        from redis.exceptions import RedisError

        client = self._make_client()
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.channel)
        except (RedisError, OSError) as exc:
            log.warning("Redis subscribe failed (%s); retrying", type(exc).__name__)
            await _close_quietly(pubsub, client)
            return None
        return pubsub, client

    async def _read(self, connection: tuple[PubSub, Redis] | None) -> None:
        """The one reader: every wake-up into every listener's queue, until disconnected."""
        from redis.exceptions import RedisError

        backoff = _FIRST_BACKOFF
        while not self._closed:
            if connection is None:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
                connection = await self._subscribe()
                continue
            pubsub, client = connection
            try:
                backoff = _FIRST_BACKOFF
                while not self._closed:
                    message = await pubsub.get_message(timeout=_READ_TIMEOUT)
                    if message is None or message.get("type") != "message":
                        continue
                    wakeup = decode_wakeup(message["data"])
                    if wakeup is not None:
                        for queue in self._queues:
                            if not queue.full():
                                queue.put_nowait(wakeup)
            except (RedisError, OSError) as exc:
                log.warning("Redis listener lost (%s); reconnecting", type(exc).__name__)
            finally:
                connection = None
                await _close_quietly(pubsub, client)
        for queue in self._queues:
            with suppress(asyncio.QueueFull):
                queue.put_nowait(None)


async def _drain(queue: asyncio.Queue[Wakeup | None]) -> AsyncGenerator[Wakeup, None]:
    while (wakeup := await queue.get()) is not None:
        yield wakeup


async def _close_quietly(pubsub: Any, client: Redis) -> None:
    from redis.exceptions import RedisError

    with suppress(RedisError, OSError):
        await pubsub.aclose()
    with suppress(RedisError, OSError):
        await client.aclose()
