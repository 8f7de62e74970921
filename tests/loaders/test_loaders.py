"""Loaders: one statement per batch, values in key order, misses as None / [], own workspace."""

from __future__ import annotations

import asyncio

import pytest

from app.db.engine import StatementCounter, statement_counter
from app.loaders import Loaders, PageKey
from app.loaders.base import NOT_LOADED
from tests.factories import Factory, at

pytestmark = pytest.mark.anyio


async def test_by_id_batches_keeps_order_and_misses(db, make_workspace):
    a, b = await make_workspace("A"), await make_workspace("B")
    fa, fb = Factory(db, a.workspace.id), Factory(db, b.workspace.id)
    u1, u2, other = await fa.user("one"), await fa.user("two"), await fb.user("other")
    loaders = Loaders.for_workspace(db, a.workspace.id)

    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        rows = await asyncio.gather(
            *(loaders.user.load(k) for k in (u2.id, 10**9, u1.id, other.id))
        )
    finally:
        statement_counter.reset(token)

    assert [row.name if row else None for row in rows] == ["two", None, "one", None]
    assert counter.count == 1


async def test_concurrent_loaders_use_their_own_connections(db, workspace):
    # given: loaders of several tables dispatching in the same tick
    f = Factory(db, workspace.workspace.id)
    line = await f.line()
    ticket = await f.queue_ticket(line)
    await f.tag(ticket, await f.label("x"))
    await f.extra(ticket, "e")
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    used = []
    original = db.on_read_driver

    async def spy(call):
        async def recording(driver):
            used.append(driver)
            return await call(driver)

        return await original(recording)

    db.on_read_driver = spy  # type: ignore[method-assign]
    try:
        labels, extra, interactions, found = await asyncio.gather(
            loaders.labels.load(ticket.id),
            loaders.extra.load(ticket.id),
            loaders.interactions.load(ticket.id),
            loaders.ticket.load(ticket.id),
        )
    finally:
        db.on_read_driver = original  # type: ignore[method-assign]

    assert ([r.name for r in labels], [r.title for r in extra], interactions) == (["x"], ["e"], [])
    assert found.id == ticket.id
    assert len({id(driver) for driver in used}) == len(used) == 4


async def test_message_pages_for_many_tickets_in_one_statement(db, workspace):
    f = Factory(db, workspace.workspace.id)
    t1, t2, empty = [await f.helpdesk_ticket() for _ in range(3)]
    for minute in range(3):
        await f.message(t1, f"a{minute}", created_at=at(minute))
    await f.message(t2, "b0", created_at=at(0))
    loaders = Loaders.for_workspace(db, workspace.workspace.id)

    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        pages = await asyncio.gather(
            *(loaders.messages.load(PageKey(t.id, 2)) for t in (t1, t2, empty))
        )
    finally:
        statement_counter.reset(token)

    assert [([r.body for r in p.rows], p.has_next_page) for p in pages] == [
        (["a0", "a1"], True),
        (["b0"], False),
        ([], False),
    ]
    assert counter.count == 1


async def test_clear_ticket_forgets_cached_rows(db, workspace):
    f = Factory(db, workspace.workspace.id)
    ticket = await f.helpdesk_ticket(title="before")
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    assert (await loaders.ticket.load(ticket.id)).title == "before"
    async with db.transaction() as session:
        row = await session.get(type(ticket), ticket.id)
        row.title = "after"
    assert (await loaders.ticket.load(ticket.id)).title == "before"  # cached
    loaders.clear_ticket(ticket.id)
    assert (await loaders.ticket.load(ticket.id)).title == "after"
    loaders.prime_ticket(row)
    assert await loaders.ticket.load(ticket.id) is row


async def _cancelled_waiter(loaders: Loaders, user_id: int) -> None:
    """A consumer that starts loading a user and is cancelled before the batch answers."""
    waiter = asyncio.ensure_future(loaders.user.load(user_id))
    await asyncio.sleep(0)  # the waiter is now awaiting the loader's future
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter


async def test_a_cancelled_waiter_does_not_poison_the_cache(db, workspace):
    # given: a consumer cancelled mid-load (a client that disconnected)
    user = await Factory(db, workspace.workspace.id).user("Ada")
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    await _cancelled_waiter(loaders, user.id)
    # then: the next load of the same key reads the row instead of re-raising the cancellation
    assert (await loaders.user.load(user.id)).name == "Ada"


async def test_shared_loaders_waiters_cannot_cancel_each_other(db, workspace):
    # given: two subscribers resolving the same user through one shared loader set
    user = await Factory(db, workspace.workspace.id).user("Ada")
    loaders = Loaders.for_workspace(db, workspace.workspace.id, shared=True)
    other = asyncio.ensure_future(loaders.user.load(user.id))
    # when: the first one disconnects mid-load
    await _cancelled_waiter(loaders, user.id)
    # then: the other one still gets the row
    assert (await other).name == "Ada"


async def test_loaded_answers_only_what_the_loader_holds_and_asks_for_nothing(db, workspace):
    user = await Factory(db, workspace.workspace.id).user("Ada")
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        assert loaders.user.loaded(user.id) is NOT_LOADED
        await asyncio.sleep(0)
        assert counter.count == 0  # nothing was requested
        pending = loaders.user.load(user.id)
        assert loaders.user.loaded(user.id) is NOT_LOADED  # requested, not loaded yet
        await pending
        assert loaders.user.loaded(user.id).name == "Ada"
        assert loaders.user.loaded(user.id + 1000) is NOT_LOADED
    finally:
        statement_counter.reset(token)


async def test_clearing_a_ticket_reads_it_again_and_builds_no_loader(db, workspace):
    f = Factory(db, workspace.workspace.id)
    ticket = await f.helpdesk_ticket()
    await f.tag(ticket, await f.label("before"))
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    assert [r.name for r in await loaders.labels.load(ticket.id)] == ["before"]
    await f.tag(ticket, await f.label("after"))

    loaders.clear_ticket(ticket.id)

    assert [r.name for r in await loaders.labels.load(ticket.id)] == ["after", "before"]
    assert loaders.built("messages") is None and loaders.built("ticket") is None
