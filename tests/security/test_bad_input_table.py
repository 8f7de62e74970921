"""Every kind of bad input issue 14 lists (search aside), on whichever database the suite runs
on: each gets a 4xx or a refusal naming the argument or field, never a 5xx or an
INTERNAL_SERVER_ERROR, and no table gains or loses a row.

GraphQL refusals are BAD_USER_INPUT with `extensions.field`, except where a mutation already
answers bad ids as data (a `UserError` VALIDATION naming the input field, its convention)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

import app.db as tables
from app.access.workspaces import set_webhook_secret
from schema.ids import encode_id
from tests.factories import Factory

pytestmark = pytest.mark.anyio

BIG = 2**31  # past every key column (32-bit on PostgreSQL)
HUGE = 2**63


def event_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"ev1:{seq}".encode()).decode().rstrip("=")


def list_cursor(stamp: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"tc1:{stamp}|{row_id}".encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Case:
    document: str
    variables: dict[str, Any] | None
    expected: tuple[int, str | None, str | None]  # HTTP status, code, field


def mutation(name: str, selection: str = "ticket { id } errors { code field }") -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation ($i: {input_type}!) {{ {name}(input: $i) {{ {selection} }} }}"


def refused(field: str, status: int = 400) -> tuple[int, str, str]:
    return (status, "BAD_USER_INPUT", field)


# Ids and cursors are decoded while the field resolves: the refusal comes with a path (200).
RESOLVING = 200

# "{line}", "{queue}" and "{helpdesk}" stand for ids of rows made for each case.
CASES: dict[str, Case] = {
    "NUL in a mutation variable": Case(
        mutation("createQueueTicket"),
        {"i": {"lineId": "{line}", "firstName": "Ada\x00"}},
        refused("input.firstName"),
    ),
    "NUL in a literal": Case(
        'mutation { createHelpdeskTicket(input: {subject: "a\\u0000b"}) { ticket { id } } }',
        None,
        refused("input.subject"),
    ),
    "NUL in a list item": Case(
        mutation("createQueueTicket"),
        {"i": {"lineId": "{line}", "labels": ["ok", "\x00"]}},
        refused("input.labels[1]"),
    ),
    "NUL in a query filter": Case(
        "query ($f: TicketFilter) { tickets(filter: $f) { totalCount } }",
        {"f": {"labelNames": ["vip\x00"]}},
        refused("filter.labelNames[0]"),
    ),
    "NUL in a cursor": Case(
        'query { ticketEvents(after: "ZXYx\\u0000") { edges { cursor } } }',
        None,
        refused("after"),
    ),
    "lone surrogate in a variable": Case(
        mutation("addTicketMessage"),
        {"i": {"id": "{helpdesk}", "body": "hi \ud83d"}},
        refused("input.body"),
    ),
    "lone surrogate in the document text": Case(
        '{ tickets(filter: {labelNames: ["\\ud800"]}) { totalCount } }', None, (400, None, None)
    ),
    "id at 2^31": Case(
        "query ($id: ID!) { node(id: $id) { id } }",
        {"id": encode_id("Ticket", BIG)},
        refused("id", RESOLVING),
    ),
    "id at 2^63": Case(
        "query ($id: ID!) { ticket(id: $id) { id } }",
        {"id": encode_id("Ticket", HUGE)},
        refused("id", RESOLVING),
    ),
    "id at 2^31 in a filter": Case(
        "query ($f: TicketFilter) { tickets(filter: $f) { totalCount } }",
        {"f": {"lineIds": [encode_id("Line", BIG)]}},
        refused("lineIds", RESOLVING),
    ),
    "id at 2^63 in an event filter": Case(
        "query ($f: TicketEventFilter) { ticketEvents(filter: $f) { edges { cursor } } }",
        {"f": {"ticketIds": [encode_id("Ticket", HUGE)]}},
        refused("ticketIds", RESOLVING),
    ),
    "id at 2^31 in a mutation": Case(
        mutation("callTicket"),
        {"i": {"id": encode_id("Ticket", BIG)}},
        (200, "VALIDATION", "id"),
    ),
    "id at 2^63 in a mutation's other input": Case(
        mutation("moveTicket"),
        {"i": {"id": "{queue}", "lineId": encode_id("Line", HUGE)}},
        (200, "VALIDATION", "lineId"),
    ),
    "cursor with sequence 2^70": Case(
        "query ($a: String) { ticketEvents(after: $a) { edges { cursor } } }",
        {"a": event_cursor(2**70)},
        refused("after", RESOLVING),
    ),
    "history cursor with sequence 2^70": Case(
        "query ($id: ID!, $a: String) "
        "{ ticket(id: $id) { history(after: $a) { edges { cursor } } } }",
        {"id": "{queue}", "a": event_cursor(2**70)},
        refused("after", RESOLVING),
    ),
    "list cursor with id 2^70": Case(
        "query ($a: String) { tickets(first: 5, after: $a) { totalCount } }",
        {"a": list_cursor("2024-05-01T09:00:00+00:00", 2**70)},
        refused("after", RESOLVING),
    ),
    "list cursor at year 1, +14:00": Case(
        "query ($a: String) { tickets(first: 5, after: $a) { totalCount } }",
        {"a": list_cursor("0001-01-01T00:00:00+14:00", 1)},
        refused("after", RESOLVING),
    ),
    "createdAfter 0001-01-01T00:00:00+14:00": Case(
        '{ tickets(filter: {createdAfter: "0001-01-01T00:00:00+14:00"}) { totalCount } }',
        None,
        refused("filter.createdAfter"),
    ),
    "createdBefore 9999-12-31T23:59:59-14:00": Case(
        "query ($f: TicketFilter) { tickets(filter: $f) { totalCount } }",
        {"f": {"createdBefore": "9999-12-31T23:59:59-14:00"}},
        refused("filter.createdBefore"),
    ),
    "snooze until the year 9999": Case(
        mutation("snoozeTicket"),
        {"i": {"id": "{helpdesk}", "until": "9999-12-31T23:59:59Z"}},
        refused("input.until"),
    ),
    "a DateTime that isn't one": Case(
        mutation("snoozeTicket"),
        {"i": {"id": "{helpdesk}", "until": "tomorrow"}},
        refused("input.until"),
    ),
    "40,000 ids in an event filter": Case(
        "query ($f: TicketEventFilter) { ticketEvents(filter: $f) { edges { cursor } } }",
        {"f": {"ticketIds": [encode_id("Ticket", n) for n in range(1, 40_001)]}},
        refused("filter.ticketIds"),
    ),
    "40,000 ids in a ticket filter": Case(
        "query ($ids: [ID!]) { tickets(filter: {lineIds: $ids}) { totalCount } }",
        {"ids": [encode_id("Line", n) for n in range(1, 40_001)]},
        refused("filter.lineIds"),
    ),
    "Int past 32 bits (first)": Case(
        "{ tickets(first: 2147483648) { totalCount } }", None, refused("first")
    ),
    "Int past 32 bits (desk)": Case(
        mutation("callNextTicket"),
        {"i": {"lineIds": ["{line}"], "desk": 2**40}},
        refused("input.desk"),
    ),
    "Int past 32 bits (expectedVersion)": Case(
        mutation("cancelTicket"),
        {"i": {"id": "{queue}", "expectedVersion": -(2**40)}},
        refused("input.expectedVersion"),
    ),
    "a subscription sent as a POST": Case(
        "subscription { ticketEvents { id } }", None, (400, "BAD_REQUEST", None)
    ),
}


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


async def row_counts(db) -> dict[str, int]:
    counts = {}
    async with db.read_session() as session:
        for name in tables.__all__:
            model = getattr(tables, name)
            counts[name] = (
                await session.execute(select(func.count()).select_from(model))
            ).scalar_one()
    return counts


def answer_of(status: int, body: dict[str, Any]) -> tuple[int, str | None, str | None]:
    if body.get("errors"):
        extensions = body["errors"][0].get("extensions") or {}
        return status, extensions.get("code"), extensions.get("field")
    (payload,) = body["data"].values()
    (error,) = payload["errors"]
    return status, error["code"], error["field"]


@pytest.fixture
async def rows(factory: Factory) -> dict[str, str]:
    line = await factory.line()
    queue = await factory.queue_ticket(line)
    helpdesk = await factory.helpdesk_ticket()
    return {
        "{line}": encode_id("Line", line.id),  # type: ignore[arg-type]
        "{queue}": encode_id("Ticket", queue.id),  # type: ignore[arg-type]
        "{helpdesk}": encode_id("Ticket", helpdesk.id),  # type: ignore[arg-type]
    }


@pytest.mark.parametrize("name", CASES)
async def test_bad_graphql_input_is_refused_naming_it_and_writes_nothing(
    client, db, key, rows, name
):
    case = CASES[name]
    before = await row_counts(db)
    body = {"query": case.document, "variables": fill(case.variables or {}, rows)}
    response = await client.post(
        "/graphql",
        content=json.dumps(body),  # escapes lone surrogates, as JSON allows
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept": "application/graphql-response+json",
        },
    )
    assert "INTERNAL_SERVER_ERROR" not in response.text
    assert answer_of(response.status_code, response.json()) == case.expected
    assert await row_counts(db) == before


DEEP = b"[" * 10_000 + b"]" * 10_000


def gorgias(**fields: Any) -> bytes:
    return json.dumps({"id": 7, "status": "open", "channel": "email", **fields}).encode()


def qminder(**fields: Any) -> bytes:
    data = {"id": 8, "line": 3, "status": "NEW", "created": {"date": "2024-05-01T09:00:00Z"}}
    return json.dumps({"type": "ticket_created", "data": data | fields}).encode()


INGEST: dict[str, tuple[str, bytes, tuple[int, str, str]]] = {
    "JSON nested 10,000 deep": ("gorgias", DEEP, (400, "BAD_USER_INPUT", "body")),
    "invalid UTF-8": (
        "gorgias",
        b'{"id": 7, "subject": "\xc3\x28"}',
        (400, "BAD_USER_INPUT", "body"),
    ),
    "NUL": ("gorgias", gorgias(subject="a\x00"), (422, "VALIDATION", "subject")),
    "lone surrogate": ("gorgias", gorgias(subject="\udc80"), (422, "VALIDATION", "subject")),
    "NUL in a key": ("gorgias", gorgias(meta={"a\x00": 1}), (422, "VALIDATION", "meta")),
    "date at year 1, +14:00": (
        "gorgias",
        gorgias(created_datetime="0001-01-01T00:00:00+14:00"),
        (422, "VALIDATION", "created_datetime"),
    ),
    "desk past 32 bits": (
        "qminder",
        qminder(status="CALLED", called={"date": "2024-05-01T09:05:00Z", "desk": 2**40}),
        (422, "VALIDATION", "called.desk"),
    ),
    "number past 32 bits": ("qminder", qminder(number=2**63), (422, "VALIDATION", "number")),
}


def signed(vendor: str, secret: str, url: str, body: bytes) -> dict[str, str]:
    def mac(message: bytes) -> str:
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    if vendor == "qminder":  # signs the URL and the body
        return {"X-Qminder-Signature": mac(url.encode() + body)}
    return {"X-Ticketgw-Signature": "sha256=" + mac(body)}


async def test_ingest_to_a_slug_no_workspace_can_have_is_not_found(client):
    response = await client.post("/ingest/gorgias/acme%00", content=b"{}")
    assert (response.status_code, response.json()["error"]["field"]) == (404, "workspace")


@pytest.mark.parametrize("name", INGEST)
async def test_bad_ingest_payload_is_refused_naming_the_field(client, db, workspace, name):
    vendor, body, expected = INGEST[name]
    slug = workspace.workspace.slug
    secret = await set_webhook_secret(db, workspace_id=workspace.workspace.id, vendor=vendor)
    url = f"http://testserver/ingest/{vendor}/{slug}"
    before = await row_counts(db)
    response = await client.post(url, content=body, headers=signed(vendor, secret, url, body))
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["field"]) == expected
    assert await row_counts(db) == before
