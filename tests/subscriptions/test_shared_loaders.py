"""Subscribers of one workspace share loaders per event; nothing is shared across workspaces."""

from __future__ import annotations

import pytest

from schema.subscriptions.shared_loaders import SharedLoaders

pytestmark = pytest.mark.anyio


async def test_same_event_shares_one_loader_set(db):
    shared = SharedLoaders()
    first = shared.for_event(db, 1, 10)
    assert shared.for_event(db, 1, 10) is first
    assert shared.for_event(db, 1, 11) is not first
    assert shared.for_event(db, 2, 10) is not first


async def test_entries_expire(db):
    shared = SharedLoaders(ttl=0.0)
    first = shared.for_event(db, 1, 10)
    assert shared.for_event(db, 1, 10) is not first


async def test_size_is_bounded(db):
    shared = SharedLoaders(max_entries=3)
    for seq in range(10):
        shared.for_event(db, 1, seq)
    assert len(shared._entries) == 3
