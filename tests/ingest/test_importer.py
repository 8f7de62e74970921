"""File import: every accepted shape, streamed; bad records rejected by position, rest stored."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from app.db import Ticket
from app.ingest.connectors import jsonstream
from app.ingest.importer import ImportSummary, Rejection, import_file
from app.live.service_env import ServiceEnv
from tests.ingest.helpers import children, count, fixture

pytestmark = pytest.mark.anyio


def gorgias_tickets(n: int, start: int = 1) -> list[dict]:
    return [
        fixture("gorgias_ticket") | {"id": i, "subject": f"Ticket {i} — ünïcødé"}
        for i in range(start, start + n)
    ]


SHAPES = {
    "array": lambda items: json.dumps(items, indent=2),
    "ndjson": lambda items: "\n".join(json.dumps(i) for i in items) + "\n",
    "gorgias-envelope": lambda items: json.dumps({"data": items, "meta": {"next_cursor": None}}),
    "qminder-envelope": lambda items: json.dumps({"statusCode": 200, "data": items}),
    "items-envelope": lambda items: json.dumps({"items": items}),
}


async def run(db, ws, vendor, text: str | bytes, **kw) -> ImportSummary:
    data = text.encode() if isinstance(text, str) else text
    return await import_file(ServiceEnv(db), ws, vendor, io.BytesIO(data), **kw)


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_shapes_import_every_record(db, workspace, shape):
    ws = workspace.workspace.id
    summary = await run(db, ws, "gorgias", SHAPES[shape](gorgias_tickets(5)))
    assert summary == ImportSummary(created=5, updated=0, unchanged=0, rejected=[])
    assert await count(db, Ticket, ws) == 5
    again = await run(db, ws, "gorgias", SHAPES[shape](gorgias_tickets(5)))
    assert again == ImportSummary(created=0, updated=0, unchanged=5, rejected=[])


async def test_single_objects_of_each_vendor(db, workspace):
    ws = workspace.workspace.id
    assert (await run(db, ws, "qminder", json.dumps(fixture("qminder_v1")))).created == 1
    assert (await run(db, ws, "qminder", json.dumps(fixture("qminder_v2")))).created == 1
    assert (await run(db, ws, "zaia", json.dumps(fixture("zaia_ticket")))).created == 1
    assert (
        await run(db, ws, "zaia", json.dumps({"data": [fixture("zaia_ticket")]}))
    ).unchanged == 1


async def test_bad_records_are_rejected_by_position_and_the_rest_stored(db, workspace):
    ws = workspace.workspace.id
    tickets = gorgias_tickets(6)
    tickets[1]["status"] = "archived"  # unknown status
    tickets[3]["messages"][0]["created_datetime"] = "soon"  # not a date-time
    lines = [json.dumps(t) for t in tickets]
    lines.insert(4, '{"id": 99, "status": broken}')  # malformed JSON line
    summary = await run(db, ws, "gorgias", "\n".join(lines))
    assert summary.created == 4
    assert summary.rejected == [
        Rejection(2, None, "status", "Unknown status."),
        Rejection(4, None, "messages[0].created_datetime", "Expected an ISO 8601 date-time."),
        Rejection(5, None, None, "Malformed JSON."),
    ]
    assert await count(db, Ticket, ws) == 4


async def test_a_record_the_database_would_refuse_is_rejected_whole_on_both(db, workspace):
    ws = workspace.workspace.id
    tickets = gorgias_tickets(3)
    # PostgreSQL refuses a NUL character in text, SQLite would store it: refused before any
    # write, on both, naming the field (a record failing in the database itself:
    # test_ingest_service.test_one_bad_record_is_rejected_whole).
    tickets[1]["messages"][0]["body_text"] = "nul \x00 char"
    summary = await run(db, ws, "gorgias", json.dumps(tickets))
    assert summary.created == 2
    assert summary.rejected == [
        Rejection(1, 1, "messages[0].body_text", "Contains a NUL character (U+0000).")
    ]
    assert await count(db, Ticket, ws) == 2


async def test_progress_reports_records_done(db, workspace):
    ws = workspace.workspace.id
    seen: list[int] = []
    await run(
        db, ws, "gorgias", SHAPES["ndjson"](gorgias_tickets(7)), progress=seen.append, batch_size=3
    )
    assert seen == [3, 6, 7]


async def test_large_envelope_streams_in_bounded_memory(db, workspace, monkeypatch):
    ws = workspace.workspace.id
    monkeypatch.setattr(jsonstream, "STREAM_OBJECT_CHARS", 4096)
    text = SHAPES["gorgias-envelope"](gorgias_tickets(40))
    assert len(text) > 40 * 4096
    summary = await run(db, ws, "gorgias", text, batch_size=7)
    assert (summary.created, summary.rejected) == (40, [])


async def test_imported_seed_reads_back_its_children(db, workspace):
    ws = workspace.workspace.id
    await run(db, ws, "qminder", json.dumps({"statusCode": 200, "data": [fixture("qminder_v1")]}))
    async with db.read_session() as s:
        from sqlalchemy import select

        t = (await s.execute(select(Ticket).where(Ticket.workspace_id == ws))).scalar_one()
    assert (t.status, t.number, t.source, t.external_id) == ("SERVED", 45, "NAME", "344185")
    kids = await children(db, t.id)
    assert (len(kids["messages"]), len(kids["interactions"]), kids["labels"]) == (2, 1, ["VIP"])


async def test_unknown_vendor_is_refused(db, workspace):
    from app.domain.errors import DomainError

    with pytest.raises(DomainError):
        await run(db, workspace.workspace.id, "freshdesk", "{}")


async def test_imported_called_ticket_without_interactions_opens_one(db, workspace):
    ws = workspace.workspace.id
    called = {
        "id": "31",
        "status": "CALLED",
        "line": 9,
        "created": {"date": "2024-01-01T10:00:00Z"},
        "called": {"date": "2024-01-01T10:05:00Z", "caller": 5, "desk": 2},
    }
    summary = await run(db, ws, "qminder", json.dumps([called, called | {"id": "32"}]))
    assert summary.created == 2
    async with db.read_session() as s:
        from sqlalchemy import select

        tickets = (await s.execute(select(Ticket).where(Ticket.workspace_id == ws))).scalars()
        ids = sorted(t.id for t in tickets)
    for ticket_id in ids:
        [interaction] = (await children(db, ticket_id))["interactions"]
        assert (interaction.desk, interaction.end) == (2, None)


@pytest.mark.parametrize(
    "wrap",
    [lambda items: f"[{items}]", lambda items: f'{{"data": [{items}], "meta": {{}}}}'],
    ids=["array", "envelope"],
)
async def test_a_malformed_element_in_the_middle_drops_only_itself(db, workspace, wrap):
    ws = workspace.workspace.id
    good = [json.dumps(t) for t in gorgias_tickets(4)]
    broken = '{"id": 99, "status": broken, "tags": [{"name": "x]"}]}'  # brackets in a string too
    text = wrap(",\n".join([good[0], broken, *good[1:]]))
    summary = await run(db, ws, "gorgias", text)
    assert (summary.created, summary.rejected) == (4, [Rejection(2, 1, None, "Malformed JSON.")])
    assert await count(db, Ticket, ws) == 4


async def test_pretty_printed_array_reports_the_line_and_index_of_the_bad_element(db, workspace):
    ws = workspace.workspace.id
    tickets = gorgias_tickets(3)
    tickets[2]["status"] = "archived"
    text = json.dumps(tickets, indent=2)
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line == "  {"]
    summary = await run(db, ws, "gorgias", text)
    assert summary.rejected == [Rejection(starts[2], 2, "status", "Unknown status.")]
    assert summary.created == 2


async def test_overlapping_batches_keep_file_order(db, workspace, monkeypatch):
    """Each batch is stored while the next is read: rejections (when read, and in the
    database) still come in file order, every other record is stored once, and tickets and
    their CREATED events follow the file."""
    from sqlalchemy import select

    from app.db import TicketEvent
    from app.ingest.connectors import get_connector

    ws = workspace.workspace.id
    tickets = gorgias_tickets(9)
    tickets[2]["status"] = "archived"  # line 3: refused when read
    lines = [json.dumps(t) for t in tickets]
    lines.insert(6, "{broken")  # line 7: malformed
    connector = get_connector("gorgias")
    assert connector is not None
    read = connector.read

    def refused_by_the_database(value, now=None):  # type: ignore[no-untyped-def]
        record = read(value, now=now)
        if record.external_id == "5":  # line 5: its message violates NOT NULL at flush
            record.messages[0].direction = None
        return record

    patched = dataclasses.replace(connector, read=refused_by_the_database)
    monkeypatch.setattr("app.ingest.importer.get_connector", lambda vendor: patched)
    seen: list[int] = []
    summary = await run(db, ws, "gorgias", "\n".join(lines), batch_size=2, progress=seen.append)

    assert [(r.line, r.field) for r in summary.rejected] == [(3, "status"), (5, None), (7, None)]
    assert summary.created == 7 and seen == sorted(seen) and seen[-1] == 10
    async with db.read_session() as s:
        stored = (await s.execute(
            select(Ticket.external_id).where(Ticket.workspace_id == ws).order_by(Ticket.id)
        )).scalars().all()  # fmt: skip
        created = (await s.execute(
            select(Ticket.external_id).join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
            .where(TicketEvent.workspace_id == ws).order_by(TicketEvent.seq)
        )).scalars().all()  # fmt: skip
    assert stored == created == ["1", "2", "4", "6", "7", "8", "9"]
    again = await run(db, ws, "gorgias", "\n".join(lines), batch_size=2)
    assert (again.created, again.unchanged, len(again.rejected)) == (0, 7, 3)
    assert await count(db, Ticket, ws) == 7
