"""The batch path (COPY on PostgreSQL, multi-row INSERTs on SQLite) stores what the one-record
path (ORM, `ingest`) stores: same columns, JSON nulls included, same search documents."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from sqlalchemy import JSON, Text, cast, select, text

from app.db import Contact, Label, Message, Ticket, TicketLabel, User, table_of
from app.ingest import IngestRefs, ingest
from app.ingest.connectors import get_connector, jsonstream
from app.ingest.importer import import_file
from app.live.service_env import ServiceEnv
from tests.ingest.test_importer import gorgias_tickets

pytestmark = pytest.mark.anyio

# Differ between two workspaces whatever the path: row ids and the time of the import.
_IDS = {"id", "workspace_id", "ticket_id", "contact_id", "assignee_id", "author_id", "label_id"}
_PER_RUN = {("contact", "created_at"), ("app_user", "created_at")}


async def _rows(db, model: Any, ws: int) -> list[dict[str, Any]]:
    table = table_of(model)
    kept = [c for c in table.columns if c.name not in _IDS and (table.name, c.name) not in _PER_RUN]
    # A JSON column reads back None for SQL NULL and for JSON null alike: its text says which.
    nulls = [cast(c, Text).label(f"{c.name}__text") for c in kept if isinstance(c.type, JSON)]
    order = list(table.primary_key.columns)
    stmt = select(*kept, *nulls).where(table.c.workspace_id == ws).order_by(*order)
    async with db.read_session() as s:
        return [dict(row._mapping) for row in await s.execute(stmt)]


async def _labels(db, ws: int) -> list[tuple[Any, ...]]:
    stmt = (
        select(Ticket.external_id, Label.name)
        .join(TicketLabel, TicketLabel.ticket_id == Ticket.id)
        .join(Label, Label.id == TicketLabel.label_id)
        .where(Ticket.workspace_id == ws)
        .order_by(Ticket.external_id, Label.name)
    )
    async with db.read_session() as s:
        return [tuple(row) for row in await s.execute(stmt)]


async def test_a_batch_stores_what_one_record_at_a_time_stores(db, make_workspace):
    batched, single = (await make_workspace()).workspace.id, (await make_workspace()).workspace.id
    items = gorgias_tickets(7)
    items[2]["tags"] = []
    items[4]["customer"] = None
    items[3]["assignee_user"] = {"id": 77, "name": "Ann", "email": "ann@example.com"}
    items[5]["satisfaction_survey"] = None  # a JSON column without a value
    ndjson = "\n".join(json.dumps(t) for t in items).encode()
    summary = await import_file(ServiceEnv(db), batched, "gorgias", io.BytesIO(ndjson))
    assert summary.created == 7
    connector = get_connector("gorgias")
    assert connector is not None
    for item in items:
        record = connector.read(item)
        assert (await ingest(ServiceEnv(db), single, record)).result == "created"
    for model in (Ticket, Message, Contact, User):
        assert await _rows(db, model, batched) == await _rows(db, model, single), model
    assert await _labels(db, batched) == await _labels(db, single)


async def test_copied_tickets_have_their_whole_search_documents(db, workspace):
    if db.is_sqlite:
        pytest.skip("search documents are PostgreSQL's (SQLite keeps FTS5 tables)")
    ws = workspace.workspace.id
    ndjson = "\n".join(json.dumps(t) for t in gorgias_tickets(5)).encode()
    await import_file(ServiceEnv(db), ws, "gorgias", io.BytesIO(ndjson))
    async with db.read_session() as s:
        complete = await s.execute(
            text(
                "SELECT count(*) FROM ticket t JOIN ticket_search d ON d.ticket_id = t.id "
                "WHERE t.workspace_id = :ws AND d.document = ticket_search_document(t.id) "
                "AND d.document LIKE '%' || lower(t.title) || '%'"
            ),
            {"ws": ws},
        )
        counted = await s.execute(
            text("SELECT sum(tickets) FROM ticket_count WHERE workspace_id = :ws"), {"ws": ws}
        )
        assert complete.scalar_one() == 5
        assert counted.scalar_one() == 5


async def test_a_batch_of_new_and_changed_tickets_has_every_search_document(db, workspace):
    # New tickets get their documents once per batch (migration 0023); a changed ticket in the
    # same batch (a new message, written through the ORM) keeps the triggers.
    if db.is_sqlite:
        pytest.skip("search documents are PostgreSQL's (SQLite keeps FTS5 tables)")
    ws = workspace.workspace.id
    first = gorgias_tickets(2)
    await import_file(ServiceEnv(db), ws, "gorgias", io.BytesIO(json.dumps(first).encode()))
    changed = first[0] | {"updated_datetime": "2031-01-01T00:00:00Z"}
    message = changed["messages"][0] | {"id": 999, "body_text": "A zanzibar reply"}
    changed["messages"] = [*changed["messages"], message]
    batch = [changed, *gorgias_tickets(3, start=10)]
    summary = await import_file(
        ServiceEnv(db), ws, "gorgias", io.BytesIO(json.dumps(batch).encode())
    )
    assert (summary.created, summary.updated) == (3, 1)
    async with db.read_session() as s:
        documents = await s.execute(
            text(
                "SELECT t.external_id, d.document = ticket_search_document(t.id), "
                "d.document LIKE '%zanzibar%' FROM ticket t "
                "JOIN ticket_search d ON d.ticket_id = t.id WHERE t.workspace_id = :ws "
                "ORDER BY t.id"
            ),
            {"ws": ws},
        )
        assert [tuple(row)[1:] for row in documents] == [(True, True)] + [(True, False)] * 4


async def test_nan_in_a_record_is_stored_as_one_record_at_a_time_stores_it(db, workspace):
    # Python's decoder takes NaN (not JSON); PostgreSQL's JSONB refuses it, SQLite's text keeps
    # it. The batch path's faster JSON encoder must not write it as null instead.
    items = gorgias_tickets(3)
    items[1]["meta"] = {"score": float("nan")}
    ndjson = "\n".join(json.dumps(t) for t in items).encode()
    summary = await import_file(
        ServiceEnv(db), workspace.workspace.id, "gorgias", io.BytesIO(ndjson)
    )
    if db.is_sqlite:
        assert (summary.created, summary.rejected) == (3, [])
    else:
        assert summary.created == 2
        assert [(r.line, r.reason) for r in summary.rejected] == [
            (2, "The record could not be stored.")
        ]


async def test_a_date_the_database_cannot_store_is_rejected_naming_its_field(db, workspace):
    # Dates are checked on their type (VendorDateTime), at any depth of the payload.
    items = gorgias_tickets(3)
    items[1]["messages"][0]["created_datetime"] = "0001-01-01T00:00:00+14:00"
    items[2]["updated_datetime"] = "9999-12-31T23:00:00-05:00"
    ndjson = "\n".join(json.dumps(t) for t in items).encode()
    summary = await import_file(
        ServiceEnv(db), workspace.workspace.id, "gorgias", io.BytesIO(ndjson)
    )
    assert summary.created == 1
    assert [(r.line, r.field) for r in summary.rejected] == [
        (2, "messages[0].created_datetime"),
        (3, "updated_datetime"),
    ]
    assert {r.reason for r in summary.rejected} == {
        "Must be between 0001-01-02 and 9998-12-31 (UTC)."
    }


async def test_text_problems_are_found_in_every_shape_of_record(db, workspace):
    # The walk over every string is skipped only for a record whose text cannot hold them.
    items = gorgias_tickets(4)
    items[1]["subject"] = "lone \udc80 surrogate"
    items[2]["tags"][0]["name"] = "nul \x00"
    deep: dict = {}
    for _ in range(100):
        deep = {"a": deep}
    items[3]["meta"] = deep
    ndjson = "\n".join(json.dumps(t) for t in items).encode()
    summary = await import_file(
        ServiceEnv(db), workspace.workspace.id, "gorgias", io.BytesIO(ndjson)
    )
    assert summary.created == 1
    assert [(r.line, r.field) for r in summary.rejected] == [
        (2, "subject"),
        (3, "tags[0].name"),
        (4, "meta" + ".a" * 63),
    ]


def test_a_record_is_plain_only_when_its_text_cannot_hold_a_text_problem():
    def plain(text: str) -> list[bool]:
        splitter = jsonstream.JsonRecordSplitter()
        records = splitter.feed(text) + splitter.close()
        return [r.plain for r in records if isinstance(r, jsonstream.Record)]

    assert plain('{"a": "é ok", "b": [1, {"c": null}]}\n[{"a": 1}]') == [True, True]
    assert plain('{"a": "\\u00e9 \\u2014"}') == [True]  # escapes of harmless characters
    assert plain('{"a": "\\u0000"}') == [False]
    assert plain('{"a": "\\uD83D\\ude00"}') == [False]  # a whole pair too: conservative
    assert plain('{"a": "\udc80"}') == [False]  # a lone surrogate written as such
    assert plain(
        '{"a": ' + "[" * 40 + "]" * 40 + ', "b": ' + "{}" * 0 + "[" * 30 + "]" * 30 + "}"
    ) == [False]


async def test_a_batch_that_reads_the_database_while_its_tickets_are_copied_still_stores_all(
    db, workspace, monkeypatch
):
    # The children are worked out while the tickets' COPY holds the connection (PostgreSQL): a
    # reference looked up there (none is, once preloaded) fails the fast path, which must wait
    # for the COPY and leave the careful path a usable transaction.
    async def nothing(self, s, ws, records):
        return None

    monkeypatch.setattr(IngestRefs, "preload", nothing)
    items = gorgias_tickets(3)
    for item in items:
        item["messages"][0] |= {"from_agent": True, "sender": {"id": 55, "name": "Agent"}}
    ndjson = "\n".join(json.dumps(t) for t in items).encode()
    summary = await import_file(
        ServiceEnv(db), workspace.workspace.id, "gorgias", io.BytesIO(ndjson)
    )
    assert (summary.created, summary.rejected) == (3, [])
    rows = await _rows(db, Message, workspace.workspace.id)
    assert len(rows) == sum(len(item["messages"]) for item in items)


async def test_imported_spam_and_trashed_tickets_have_removed_documents(db, workspace):
    # A plain search's totalCount reads the documents alone (migration 0024): their removed flag
    # must say what the ticket's spam and trash say, for documents written once per batch too.
    if db.is_sqlite:
        pytest.skip("search documents are PostgreSQL's (SQLite keeps FTS5 tables)")
    ws = workspace.workspace.id
    items = gorgias_tickets(4)
    items[1]["spam"] = True
    items[2]["trashed_datetime"] = "2030-01-01T00:00:00Z"
    await import_file(ServiceEnv(db), ws, "gorgias", io.BytesIO(json.dumps(items).encode()))
    async with db.read_session() as s:
        flags = await s.execute(
            text(
                "SELECT d.removed, t.spam OR t.trashed_at IS NOT NULL FROM ticket t "
                "JOIN ticket_search d ON d.ticket_id = t.id WHERE t.workspace_id = :ws "
                "ORDER BY t.id"
            ),
            {"ws": ws},
        )
        assert [tuple(row) for row in flags] == [(False, False), (True, True), (True, True),
                                                 (False, False)]  # fmt: skip
