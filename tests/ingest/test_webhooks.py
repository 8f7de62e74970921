"""POST /ingest/{vendor}/{workspace} through a Starlette app mounting only these routes:
signatures before parsing, nothing written on refusal, delivery ids make retries no-ops."""

from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from app.access.workspaces import set_webhook_secret
from app.config import Settings
from app.db import IngestDelivery, Ticket, TicketEvent
from app.http.ingest import routes
from app.live.service_env import ServiceEnv
from tests.ingest.helpers import count, events, fixture

pytestmark = pytest.mark.anyio

SECRET = "s3cret-for-tests"
BASE = "http://gateway.test"


def make_app(db, settings: Settings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app):
        app.state.env = ServiceEnv(db)
        app.state.settings = settings
        yield

    return Starlette(routes=routes, lifespan=lifespan)


@pytest.fixture
async def client(db):
    app = make_app(db, Settings())
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url=BASE) as c,
    ):
        yield c


def ours(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Ticketgw-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def qminder_sig(url: str, body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), url.encode() + body, hashlib.sha256).hexdigest()
    return {"X-Qminder-Signature": digest}


async def nothing_written(db, ws: int) -> bool:
    return (
        await count(db, Ticket, ws) == 0
        and await count(db, TicketEvent, ws) == 0
        and await count(db, IngestDelivery, ws) == 0
    )


@pytest.fixture
async def ws(db, workspace):
    for vendor in ("qminder", "gorgias", "zaia"):
        await set_webhook_secret(
            db, workspace_id=workspace.workspace.id, vendor=vendor, secret=SECRET
        )
    return workspace.workspace


async def test_gorgias_good_signature_creates_then_unchanged(client, db, ws):
    body = json.dumps(fixture("gorgias_ticket")).encode()
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=body, headers=ours(body))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    ticket_id = r.json()["ticketId"]
    assert r.json() == {"ticketId": ticket_id, "result": "created"}
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=body, headers=ours(body))
    assert r.json() == {"ticketId": ticket_id, "result": "unchanged"}
    assert await events(db, ws.id) == [("CREATED", None, "OPEN")]


async def test_zaia_webhook_with_envelope(client, db, ws):
    body = json.dumps({"event": "ticket.updated", "ticket": fixture("zaia_ticket")}).encode()
    r = await client.post(f"/ingest/zaia/{ws.slug}", content=body, headers=ours(body))
    assert r.status_code == 200 and r.json()["result"] == "created"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Ticketgw-Signature": "sha256=" + "0" * 64},
        {"X-Ticketgw-Signature": "0" * 64},
        ours(b"another body"),
        ours(b"x", secret="wrong"),
    ],
    ids=["missing", "wrong-digest", "no-prefix", "other-body", "other-secret"],
)
async def test_bad_or_missing_signature_is_401_and_writes_nothing(client, db, ws, headers):
    body = json.dumps(fixture("gorgias_ticket")).encode()
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=body, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "UNAUTHENTICATED"
    assert await nothing_written(db, ws.id)


async def test_signature_checked_before_parsing(client, db, ws):
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=b"{not json")
    assert r.status_code == 401


async def test_no_secret_configured_is_401(client, db, workspace):
    body = json.dumps(fixture("gorgias_ticket")).encode()
    slug = workspace.workspace.slug
    r = await client.post(f"/ingest/gorgias/{slug}", content=body, headers=ours(body))
    assert r.status_code == 401
    assert await nothing_written(db, workspace.workspace.id)


async def test_unknown_vendor_or_workspace_is_404(client, ws):
    body = b"{}"
    r = await client.post(f"/ingest/freshdesk/{ws.slug}", content=body, headers=ours(body))
    assert (r.status_code, r.json()["error"]["field"]) == (404, "vendor")
    r = await client.post("/ingest/gorgias/no-such-workspace", content=body, headers=ours(body))
    assert (r.status_code, r.json()["error"]["field"]) == (404, "workspace")


async def test_malformed_json_is_400(client, db, ws):
    body = b'{"id": 1, '
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=body, headers=ours(body))
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "BAD_USER_INPUT",
            "message": "The body is not valid JSON.",
            "field": "body",
        }
    }
    assert await nothing_written(db, ws.id)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"status": "archived"}, "status", "Unknown status."),
        ({"status": 3}, "status", "Expected a string."),
        ({"created_datetime": "yesterday"}, "created_datetime", "Expected an ISO 8601 date-time."),
        ({"messages": [{"from_agent": True}]}, "messages[0].created_datetime", "Field required."),
        ({"customer": {"name": "no id"}}, "customer.id", "Field required."),
    ],
)
async def test_bad_payload_is_422_naming_the_field(client, db, ws, change, field, message):
    body = json.dumps(fixture("gorgias_ticket") | change).encode()
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=body, headers=ours(body))
    assert r.status_code == 422
    assert r.json() == {"error": {"code": "VALIDATION", "message": message, "field": field}}
    assert await nothing_written(db, ws.id)


async def test_delivery_id_makes_a_retry_a_noop(client, db, ws):
    called = {
        "id": "77",
        "status": "CALLED",
        "line": 1,
        "created": {"date": "2024-01-01T10:00:00Z"},
        "called": {"date": "2024-01-01T10:05:00Z"},
    }
    body = json.dumps({"type": "ticket_recalled", "data": called}).encode()
    url = f"{BASE}/ingest/qminder/{ws.slug}"
    headers = qminder_sig(url, body) | {"X-Ticketgw-Delivery": "delivery-1"}
    first = await client.post(f"/ingest/qminder/{ws.slug}", content=body, headers=headers)
    assert first.json()["result"] == "created"
    retry = await client.post(f"/ingest/qminder/{ws.slug}", content=body, headers=headers)
    assert retry.json() == {"ticketId": first.json()["ticketId"], "result": "unchanged"}
    # A new delivery of the recall is an event, though the ticket is unchanged.
    headers["X-Ticketgw-Delivery"] = "delivery-2"
    again = await client.post(f"/ingest/qminder/{ws.slug}", content=body, headers=headers)
    assert again.json()["result"] == "updated"
    assert [e[0] for e in await events(db, ws.id)] == ["CREATED", "RECALLED"]
    assert await count(db, IngestDelivery, ws.id) == 2


async def test_qminder_signature_covers_the_url(client, db, ws):
    body = json.dumps({"type": "ticket_created", "data": fixture("qminder_v2")}).encode()
    wrong_url = f"https://elsewhere.test/ingest/qminder/{ws.slug}"
    r = await client.post(
        f"/ingest/qminder/{ws.slug}", content=body, headers=qminder_sig(wrong_url, body)
    )
    assert r.status_code == 401
    assert await nothing_written(db, ws.id)


async def test_public_url_is_what_qminder_signs_behind_a_proxy(db, ws):
    app = make_app(db, Settings(public_url="https://tickets.example.com/"))
    body = json.dumps({"type": "ticket_created", "data": fixture("qminder_v2")}).encode()
    signed = f"https://tickets.example.com/ingest/qminder/{ws.slug}"
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://internal:8000") as c:
            r = await c.post(
                f"/ingest/qminder/{ws.slug}", content=body, headers=qminder_sig(signed, body)
            )
            assert r.status_code == 200 and r.json()["result"] == "created"
            internal = qminder_sig(f"http://internal:8000/ingest/qminder/{ws.slug}", body)
            r = await c.post(f"/ingest/qminder/{ws.slug}", content=body, headers=internal)
            assert r.status_code == 401


async def test_huge_body_is_refused(client, db, ws):
    body = b"[" + b" " * (10 * 1024 * 1024) + b"]"
    r = await client.post(f"/ingest/gorgias/{ws.slug}", content=body, headers=ours(body))
    assert r.status_code == 413
    assert await nothing_written(db, ws.id)
