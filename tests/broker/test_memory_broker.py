"""The in-process broker and the URL factory."""

from __future__ import annotations

import asyncio

import pytest

from app.live.broker import Wakeup, create_broker
from app.live.broker.memory import MemoryBroker

pytestmark = pytest.mark.anyio


async def test_memory_is_the_default_scheme_and_unknown_schemes_are_refused():
    assert isinstance(create_broker("memory://"), MemoryBroker)
    with pytest.raises(ValueError):
        create_broker("kafka://somewhere")


async def test_every_open_listener_gets_every_wakeup_in_order():
    broker = create_broker("memory://")
    await broker.connect()
    async with broker.listen() as first, broker.listen() as second:
        await broker.publish(Wakeup(1, 1))
        await broker.publish(Wakeup(2, 1))
        async with asyncio.timeout(1):
            assert [await anext(first), await anext(first)] == [Wakeup(1, 1), Wakeup(2, 1)]
            assert [await anext(second), await anext(second)] == [Wakeup(1, 1), Wakeup(2, 1)]
    await broker.publish(Wakeup(1, 2))  # nobody listens any more: dropped, no error
    await broker.disconnect()
