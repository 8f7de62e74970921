"""Vendor webhooks: `POST /ingest/{vendor}/{workspace}` (vendor: qminder, gorgias, zaia;
workspace: the workspace's slug).

Signatures, checked on the raw body before anything is parsed, with the workspace's secret for
that vendor (`ticketgw webhooks`):

- Qminder: `X-Qminder-Signature: <hex HMAC-SHA256(secret, webhook URL + raw body)>`. The URL is
  `TICKETGW_PUBLIC_URL` (the external base URL, when behind a proxy) + the request path, else the
  URL of the request as received.
- Gorgias and Zaia (which don't sign): `X-Ticketgw-Signature: sha256=<hex HMAC-SHA256(secret,
  raw body)>`.

`X-Ticketgw-Delivery` (or `X-Qminder-Delivery`, `X-Gorgias-Delivery`) names a delivery: a retry
with the same id changes nothing and answers like the first one did, minus the writes.

Answers: 200 `{"ticketId": "<global id>", "result": "created|updated|unchanged"}` (the id
`ticket(id:)` and `node(id:)` take), or `{"lineId" | "locationId": ..., "result"}` for Qminder's
line and location webhooks; 404 unknown vendor or workspace; 401 bad or missing signature, or
no secret configured; 400 a body that is not JSON (or not UTF-8, or nested too deeply for the
parser); 413 a body over 10 MiB; 422 a payload that doesn't fit the vendor's model, naming the
field (text with NUL or lone surrogates, dates out of range and nesting past 64 levels included:
app.domain.input_rules); 503 (SERVICE_UNAVAILABLE, with Retry-After) while the database is
down, 504 (TIMEOUT) for a statement past its timeout: the vendor's retry delivers it later.
Errors are `{"error": {"code", "message", "field"}}`. Only a 200 writes anything.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Scope

from app.access.workspaces import webhook_secrets, workspace_by_slug
from app.config import Settings
from app.domain.errors import DomainError, ErrorCode, Unavailable
from app.domain.global_ids import TICKET, encode_global_id
from app.domain.input_rules import text_problem
from app.domain.records import TicketRecord
from app.http import json_input
from app.http.outages import http_status, outage_headers
from app.ingest import ingest, ingest_place
from app.ingest.connectors import PayloadError, get_connector
from app.tickets.unit_of_work import ServiceEnv

MAX_BODY_BYTES = 10 * 1024 * 1024
DELIVERY_HEADERS = ("x-ticketgw-delivery", "x-qminder-delivery", "x-gorgias-delivery")


class UTF8JSONResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"


def _error(status: int, code: ErrorCode, message: str, field: str | None = None) -> JSONResponse:
    body = {"error": {"code": code.value, "message": message, "field": field}}
    return UTF8JSONResponse(body, status_code=status)


def outage_response(_scope: Scope, error: Unavailable) -> JSONResponse:
    """The answer while the database is down (app.http.outages renders it for /ingest)."""
    response = _error(http_status(error.code.value), error.code, error.message)
    response.headers.update(outage_headers(response.status_code))
    return response


def signed_url(request: Request, settings: Settings | None) -> str:
    """The URL Qminder signed: our public base URL + the path when set (behind a proxy)."""
    if settings is not None and settings.public_url:
        url = settings.public_url.rstrip("/") + request.url.path
        return url + (f"?{request.url.query}" if request.url.query else "")
    return str(request.url)


async def _read_body(request: Request) -> bytes | None:
    """The raw body, or None when it is over the limit (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def receive_webhook(request: Request) -> JSONResponse:
    connector = get_connector(request.path_params["vendor"])
    if connector is None:
        return _error(404, ErrorCode.NOT_FOUND, "Unknown vendor.", "vendor")
    env: ServiceEnv = request.app.state.env
    settings: Settings | None = getattr(request.app.state, "settings", None)
    slug = request.path_params["workspace"]
    # A slug no workspace can have (PostgreSQL would refuse the NUL of "%00" in the lookup).
    workspace = None if text_problem(slug) else await workspace_by_slug(env.db, slug)
    if workspace is None:
        return _error(404, ErrorCode.NOT_FOUND, "Workspace not found.", "workspace")
    raw = await _read_body(request)
    if raw is None:
        return _error(413, ErrorCode.BAD_USER_INPUT, "The body is too large.", "body")
    secret = (await webhook_secrets(env.db, workspace.id)).get(connector.name)
    url = signed_url(request, settings)
    if not secret or not connector.verify_signature(secret, url, raw, request.headers):
        return _error(401, ErrorCode.UNAUTHENTICATED, "Missing or bad signature.", None)
    try:
        body: Any = json_input.loads(raw)
    except json_input.BadJSON as exc:
        return _error(400, ErrorCode.BAD_USER_INPUT, exc.reason, "body")
    try:
        record = connector.read(body)
    except PayloadError as exc:
        return _error(422, ErrorCode.VALIDATION, exc.message, exc.field)
    workspace_id: int = workspace.id
    if not isinstance(record, TicketRecord):
        place = await ingest_place(env, workspace_id, connector.name.upper(), record)
        key = f"{place.type_name[0].lower()}{place.type_name[1:]}Id"
        answer = {key: encode_global_id(place.type_name, place.row_id), "result": place.result}
        return UTF8JSONResponse(answer)
    delivery = next((request.headers[h] for h in DELIVERY_HEADERS if h in request.headers), None)
    try:
        result = await ingest(
            env, workspace_id, record, delivery_id=delivery[:200] if delivery else None
        )
    except DomainError as exc:
        return _error(422, exc.code, exc.message, exc.field)
    ticket_id = None if result.ticket_id is None else encode_global_id(TICKET, result.ticket_id)
    return UTF8JSONResponse({"ticketId": ticket_id, "result": result.result})


routes: list[BaseRoute] = [
    Route("/ingest/{vendor}/{workspace}", receive_webhook, methods=["POST"]),
]
