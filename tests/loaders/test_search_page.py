"""app.loaders.tickets.search_page: every way a searched page is read gives the same pages.

The steps (look at the newest documents, gather from the index, walk in order) are chosen by
how many tickets match; with small limits a few tickets reach each of them. Paging forward,
backward and by update time must give the same tickets in the same order whichever step
answered, and each configuration must really end in the step it is meant to.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.loaders.tickets import search_page
from tests.factories import Factory, at

pytestmark = pytest.mark.anyio

PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String, $field: TicketOrderField!) {
  tickets(first: $first, after: $after, last: $last, before: $before,
          filter: {search: "needle"}, orderBy: {field: $field}) {
    nodes { title }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}
"""

# (WINDOW, GATHER_LIMIT) and the step that must answer the first page.
MODES = {
    "look": (2_000, 1_000, "look"),  # the 3 newest of 8 matches are among the newest 2,000
    "gather": (1, 1_000, "gather"),
    "walk": (1, 2, "walk"),
}


@pytest.fixture
async def needles(factory, make_workspace, db):  # type: ignore[no-untyped-def]
    """12 tickets, 8 of them with "needle" somewhere (and a spam one and another
    workspace's, never listed); titles by creation order, t00 the oldest."""
    contact = await factory.contact("Nora Needleman")
    titles = []
    for n in range(12):
        # updated in the opposite order of creation, so the two orders differ
        kw: dict[str, Any] = {"title": f"t{n:02d}", "created_at": at(n), "updated_at": at(99 - n)}
        if n % 3 == 0:
            kw["subject"] = "a NEEDLE in the subject"
        if n in (5, 11):
            kw["contact_id"] = contact.id
        ticket = await factory.helpdesk_ticket(**kw)
        if n % 3 == 1 and n != 10:
            await factory.message(ticket, "found a needle in the body")
        else:
            await factory.message(ticket, "nothing here")
        if n % 3 == 0 or n in (5, 11) or (n % 3 == 1 and n != 10):
            titles.append(ticket.title)
    await factory.helpdesk_ticket(title="spam", subject="needle", spam=True, created_at=at(50))
    other = await make_workspace("Other")
    await Factory(db, other.workspace.id).helpdesk_ticket(title="other", subject="needle")
    return titles  # oldest first


async def _all_pages(gql, key, field: str, backward: bool) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    cursor = None
    while True:
        if backward:
            variables = {"last": 3, "before": cursor, "field": field}
        else:
            variables = {"first": 3, "after": cursor, "field": field}
        result = await gql(PAGE, variables, key=key)
        assert "errors" not in result, result
        page = result["data"]["tickets"]
        titles = [node["title"] for node in page["nodes"]]
        seen = titles + seen if backward else seen + titles
        info = page["pageInfo"]
        more = info["hasPreviousPage"] if backward else info["hasNextPage"]
        if not more:
            return seen
        cursor = info["startCursor"] if backward else info["endCursor"]


@pytest.mark.parametrize("mode", MODES)
async def test_every_step_gives_the_same_pages(gql, key, needles, monkeypatch, mode, db):
    window, gather_limit, step = MODES[mode]
    monkeypatch.setattr(search_page, "WINDOW", window)
    monkeypatch.setattr(search_page, "GATHER_LIMIT", gather_limit)
    answered: list[str] = []

    def spied(step_name: str) -> Any:
        real = getattr(search_page, f"{step_name}_page_statement")

        def build(*args: Any) -> Any:
            answered.append(step_name)
            return real(*args)

        return build

    monkeypatch.setattr(search_page, "gathered_page_statement", spied("gathered"))
    monkeypatch.setattr(search_page, "walked_page_statement", spied("walked"))
    newest_first = list(reversed(needles))
    first = await gql(PAGE, {"first": 3, "field": "CREATED_AT"}, key=key)
    assert [n["title"] for n in first["data"]["tickets"]["nodes"]] == newest_first[:3]
    assert answered == {"look": [], "gather": ["gathered"], "walk": ["walked"]}[step]

    assert await _all_pages(gql, key, "CREATED_AT", backward=False) == newest_first
    assert await _all_pages(gql, key, "CREATED_AT", backward=True) == newest_first
    by_update = await _all_pages(gql, key, "UPDATED_AT", backward=False)
    assert sorted(by_update) == sorted(needles) and len(by_update) == len(needles)
    assert await _all_pages(gql, key, "UPDATED_AT", backward=True) == by_update


def test_sqlite_reads_gathered_matches_by_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SQLite's planner, given `workspace_id = ?` and `id IN (matches)`, would walk the
    workspace's tickets testing each id: the gather, the gathered page and the count must
    instead read the matches by primary key (whatever the database the suite runs on, on its
    own file)."""
    import sqlite3

    from sqlalchemy.dialects import sqlite

    from app.db.schema_setup import migrate
    from app.loaders.tickets.count import count_statement
    from app.loaders.tickets.filter import TicketOrdering, TicketQuery, bind_query

    path = tmp_path / "plans.db"
    migrate(f"sqlite:///{path}")
    shape, _ = bind_query(1, TicketQuery(search="zebra", states=("OPEN",)))
    statements = [search_page.gather_statement("sqlite"), count_statement(shape, "sqlite")] + [
        search_page.gathered_page_statement(shape, TicketOrdering(field), cursors, backward)
        for field in ("created_at", "updated_at")
        for cursors, backward in (((), False), (("after",), True))
    ]
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            sql = statement.stmt.compile(dialect=sqlite.dialect()).string
            plan = connection.execute("EXPLAIN QUERY PLAN " + sql, [None] * sql.count("?"))
            steps = [row[3] for row in plan]
            reads = [step for step in steps if step.split()[1:2] == ["ticket"]]
            assert reads == ["SEARCH ticket USING INTEGER PRIMARY KEY (rowid=?)"], (reads, sql)
    finally:
        connection.close()
