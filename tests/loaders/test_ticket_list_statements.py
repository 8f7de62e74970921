"""The ticket list's statements: one per shape of filter, compiled once, run on the driver."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.loaders.tickets.count import count_statement
from app.loaders.tickets.page import TicketOrdering, TicketQuery, _page_statement, bind_query


def shape_of(query):  # type: ignore[no-untyped-def]
    return bind_query(1, query)[0]


EVERY_FILTER = TicketQuery(
    kinds=("QUEUE",), states=("OPEN",), queue_statuses=("NEW",), helpdesk_statuses=("OPEN",),
    line_ids=(1,), assignee_ids=(2,), team_ids=(3,), label_names=("vip",), origins=("qminder",),
    search="ada", created_after=datetime(2024, 1, 1, tzinfo=UTC),
    created_before=datetime(2025, 1, 1, tzinfo=UTC),
)  # fmt: skip


@pytest.mark.anyio
async def test_every_filter_binds_its_values_and_runs_on_the_driver(db):
    dialect = db.engine.dialect
    shape = shape_of(EVERY_FILTER)
    page = _page_statement(shape, TicketOrdering("updated_at"), ("after", "before"), True)
    # None would mean SQLAlchemy renders it again per request (an expanding IN, say).
    assert page.compiled(dialect) is not None
    assert count_statement(shape, db.dialect).compiled(dialect) is not None


def test_the_same_shape_with_other_values_reuses_the_statement():
    other_values = TicketQuery(states=("PENDING", "OPEN"), search="bob")
    same_shape = TicketQuery(states=("OPEN",), search="ada")
    ordering = TicketOrdering()
    first = _page_statement(shape_of(other_values), ordering, (), False)
    assert _page_statement(shape_of(same_shape), ordering, (), False) is first
    no_search = shape_of(TicketQuery(states=("OPEN",)))
    assert _page_statement(no_search, ordering, (), False) is not first
