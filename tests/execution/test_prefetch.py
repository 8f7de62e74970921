"""The prefetcher loads a page's selected relations, level by level, with the loaders' own
batches, so that relation fields then find their values ready."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.types.nodes import InlineFragment, SelectedField

from app.db.engine import StatementCounter, statement_counter
from app.loaders import Loaders, PageKey
from schema.executor import prefetch as prefetch_module
from schema.executor.prefetch import connection_nodes, prefetch
from tests.factories import Factory, at

pytestmark = pytest.mark.anyio


def field(name: str, *selections: Any, **arguments: Any) -> SelectedField:
    return SelectedField(name=name, directives={}, arguments=arguments, selections=list(selections))


@pytest.fixture
async def page(db, workspace):
    f = Factory(db, workspace.workspace.id)
    ada, bob, line = await f.user("Ada"), await f.user("Bob"), await f.line()
    cy = await f.user("Cy")  # writes messages, assigned nothing
    first = await f.queue_ticket(line, assignee_id=ada.id)
    second = await f.helpdesk_ticket(assignee_id=bob.id)
    for i in range(3):
        await f.message(second, f"m{i}", author_id=cy.id, created_at=at(i))
    await f.interaction(first, at(1), user_id=bob.id, line_id=line.id)
    await f.tag(first, await f.label("vip"))
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    rows = [await loaders.ticket.load(first.id), await loaders.ticket.load(second.id)]
    loaders.clear_all()
    return loaders, rows, {"ada": ada.id, "bob": bob.id, "cy": cy.id, "line": line.id}


async def counted(coroutine: Any) -> int:
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        await coroutine
    finally:
        statement_counter.reset(token)
    return counter.count


async def test_selected_relations_are_ready_afterwards_in_one_batch_per_loader_and_level(page):
    loaders, rows, ids = page
    selection = [
        field("id"),
        field("assignee", field("name")),
        field("labels", field("name")),
        field("messages", field("nodes", field("author", field("name"))), first="2"),
        InlineFragment(
            type_condition="QueueTicket",
            directives={},
            selections=[field("interactions", field("user", field("name")), field("line"))],
        ),
    ]
    # level 1: labels, messages, interactions; level 2: users (the assignees wait for the
    # authors and the interaction's user: one batch) and lines
    assert await counted(prefetch(loaders, "Ticket", rows, selection)) == 5
    ready = [
        loaders.user.load(ids["ada"]),
        loaders.user.load(ids["bob"]),
        loaders.labels.load(rows[0].id),
        loaders.messages.load(PageKey(rows[1].id, 2, None)),  # literal "2", as the field gets it
        loaders.interactions.load(rows[0].id),
        loaders.line.load(ids["line"]),
        loaders.user.load(ids["cy"]),
    ]
    assert all(future.done() for future in ready)
    assert [m.body for m in ready[3].result().rows] == ["m0", "m1"]


async def test_nothing_is_loaded_for_what_is_not_selected(page):
    loaders, rows, _ids = page
    assert await counted(prefetch(loaders, "Ticket", rows, [field("id"), field("title")])) == 0
    # an out-of-range page is left for the field to refuse
    assert await counted(prefetch(loaders, "Ticket", rows, [field("messages", first=500)])) == 0


def test_connection_nodes_reads_edges_and_nodes():
    edges = field("edges", field("cursor"), field("node", field("id"), field("assignee")))
    nodes = field("nodes", field("labels"))
    names = [s.name for s in connection_nodes([field("totalCount"), edges, nodes])]
    assert names == ["id", "assignee", "labels"]


async def test_a_failing_prefetch_fails_no_field(gql, key, factory, monkeypatch, caplog):
    ada = await factory.user("Ada")
    await factory.helpdesk_ticket(assignee_id=ada.id)

    async def broken(*_args: Any) -> None:
        raise RuntimeError("prefetch bug")

    monkeypatch.setattr(prefetch_module, "prefetch", broken)
    result = await gql("{ tickets { nodes { assignee { name } } } }", key=key)
    assert result == {"data": {"tickets": {"nodes": [{"assignee": {"name": "Ada"}}]}}}
    assert "Prefetching failed" in caplog.text
