"""LoaderStatement: rows read on the driver connection equal what SQLAlchemy returns."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.db.engine import StatementCounter, statement_counter
from app.loaders import Loaders
from app.loaders.by_id import RowByIdLoader
from app.loaders.by_ticket import _ListByTicketIdLoader
from app.loaders.pages import MessagesByTicketIdLoader, TicketEventsByTicketIdLoader
from app.loaders.positions import QueuePositionByTicketIdLoader
from app.loaders.records import records
from app.loaders.statements import _DRIVERS, LoaderStatement
from tests.factories import Factory, at

pytestmark = pytest.mark.anyio


def _exactly(rows: list[Any]) -> list[Any]:
    """Field names, value types and values (an aware and a naive datetime never compare equal
    here, nor does 1 and True)."""
    return [(row._fields, [(type(v), v) for v in row]) for row in rows]


async def _seed(f: Factory) -> tuple[list[int], list[int], int]:
    line, user = await f.line(), await f.user("Ada", email="ada@example.com")
    queued = await f.queue_ticket(line, created_at=at(1), assignee_id=user.id)
    helpdesk = await f.helpdesk_ticket(created_at=at(2), satisfaction={"score": 5})
    await f.tag(helpdesk, await f.label("vip", "#f00"))
    await f.message(helpdesk, "hi", created_at=at(3), author_id=user.id, attachments=[{"a": 1}])
    await f.interaction(queued, at(4), end=at(5), user_id=user.id, line_id=line.id)
    await f.extra(queued, "field", data={"k": [1, 2]})
    await f.events(helpdesk, "CREATED", "UPDATED")
    return [queued.id, helpdesk.id], [user.id], line.id


def _statements() -> list[tuple[LoaderStatement, str]]:
    """Every loader statement, with the kind of key its parameters take."""
    found: list[tuple[LoaderStatement, str]] = []
    for loader in RowByIdLoader.__subclasses__():
        found.append((loader.statement(), loader.__name__))
    for loader in _ListByTicketIdLoader.__subclasses__():
        found.append((loader.statement, "ticket"))
    for page in (MessagesByTicketIdLoader, TicketEventsByTicketIdLoader):
        found.append((page.statement(False), "page"))
    found.append((QueuePositionByTicketIdLoader.statement, "ticket"))
    return found


async def test_rows_equal_sqlalchemys_for_every_loader_statement(db, workspace):
    ws = workspace.workspace.id
    ticket_ids, user_ids, line_id = await _seed(Factory(db, ws))
    keys = {"UserByIdLoader": user_ids, "LineByIdLoader": [line_id]}
    for statement, kind in _statements():
        params: dict[str, Any] = {"workspace_id": ws, "limit": 10}
        params["ticket_ids" if kind == "page" else "keys"] = keys.get(kind, ticket_ids)
        async with db.read_connection() as connection:
            expected = records(await connection.execute(statement.stmt, params))
        got = await statement.rows(db, params)
        assert _exactly(got) == _exactly(expected), statement.stmt


async def test_a_statement_run_on_the_driver_is_counted(db, workspace):
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        await loaders.ticket.load(1)
    finally:
        statement_counter.reset(token)
    assert counter.count == 1


async def test_a_failed_or_cancelled_statement_drops_its_connection(db, workspace, monkeypatch):
    # given: a driver call that fails the way a disconnect or a cancellation would
    driver_name = db.engine.dialect.driver
    read, used = _DRIVERS[driver_name], []

    async def fails(driver: Any, sql: str, args: list[Any]) -> Any:
        used.append(driver)
        raise asyncio.CancelledError

    async def records_driver(driver: Any, sql: str, args: list[Any]) -> Any:
        used.append(driver)
        return await read(driver, sql, args)

    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    monkeypatch.setitem(_DRIVERS, driver_name, fails)
    with pytest.raises(asyncio.CancelledError):
        await loaders.user.batch_load_fn([1])
    # then: the pool hands out another connection, and reads work
    monkeypatch.setitem(_DRIVERS, driver_name, records_driver)
    assert await loaders.user.batch_load_fn([10**9]) == [None]
    assert used[0] is not used[1]
