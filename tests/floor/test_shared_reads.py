"""SharedReads: concurrent readers of one key share one read; a failed read is read again; one
reader going away does not cancel the read for the others."""

from __future__ import annotations

import asyncio

import pytest

from app.floor.shared_reads import SharedReads

pytestmark = pytest.mark.anyio


async def test_readers_of_one_key_share_one_read_and_failures_are_retried():
    reads: list[str] = []
    release = asyncio.Event()

    async def read(key: str) -> str:
        reads.append(key)
        await release.wait()
        if key == "bad" and reads.count("bad") == 1:
            raise RuntimeError("database down")
        return key.upper()

    shared: SharedReads[str] = SharedReads()
    waiting = [asyncio.ensure_future(shared.get(k, lambda k=k: read(k))) for k in "aab"]
    leaver = asyncio.ensure_future(shared.get("a", lambda: read("a")))
    await asyncio.sleep(0)
    leaver.cancel()
    release.set()
    assert await asyncio.gather(*waiting) == ["A", "A", "B"]
    assert sorted(reads) == ["a", "b"]  # three readers of "a" and "b", two reads

    with pytest.raises(RuntimeError):
        await shared.get("bad", lambda: read("bad"))
    assert await shared.get("bad", lambda: read("bad")) == "BAD"  # the failure was not kept
    assert reads.count("bad") == 2
