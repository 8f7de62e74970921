"""Qminder (queue tickets): payload models, mapping, webhook signature and envelope."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.domain.records import VendorRecord
from app.ingest.connectors.base import Connector, PayloadError, header, hmac_hex, with_event
from app.ingest.connectors.qminder.mapping import STATUS_MAP, map_status, normalize
from app.ingest.connectors.qminder.places import read_line, read_location

SIGNATURE_HEADER = "X-Qminder-Signature"
TICKET_WEBHOOKS = frozenset(
    {
        "ticket_created",
        "ticket_called",
        "ticket_recalled",
        "ticket_changed",
        "ticket_cancelled",
        "ticket_served",
    }
)
LINE_WEBHOOKS = frozenset({"line_changed"})
LOCATION_WEBHOOKS = frozenset({"location_created", "location_changed"})
WEBHOOK_TYPES = TICKET_WEBHOOKS | LINE_WEBHOOKS | LOCATION_WEBHOOKS


def verify_signature(secret: str, url: str, raw_body: bytes, headers: Mapping[str, str]) -> bool:
    """`X-Qminder-Signature` = hex HMAC-SHA256(secret, webhook URL + raw body)."""
    given = header(headers, SIGNATURE_HEADER)
    if not secret or not given:
        return False
    expected = hmac_hex(secret, url.encode() + raw_body)
    return hmac.compare_digest(given.strip().lower(), expected)


def unwrap_webhook(body: Any) -> tuple[Any, str | None]:
    """`{"type": "ticket_called", "data": {...ticket...}}`; a bare ticket is accepted too."""
    if isinstance(body, dict) and "type" in body and "data" in body:
        kind = body["type"]
        if not isinstance(kind, str):
            raise PayloadError("type", "Expected a string.")
        if kind not in WEBHOOK_TYPES:
            raise PayloadError("type", "Unknown webhook type.")
        data = body["data"]
        if not isinstance(data, dict):
            raise PayloadError("data", "Expected an object.")
        return data, kind
    return body, None


def read(body: Any, *, now: datetime | None = None) -> VendorRecord:
    """A webhook body (any type above) or an exported ticket -> its record."""
    data, kind = unwrap_webhook(body)
    if kind in LINE_WEBHOOKS:
        return read_line(data)
    if kind in LOCATION_WEBHOOKS:
        return read_location(data)
    return with_event(normalize(data, now=now), kind)


CONNECTOR = Connector(
    name="qminder",
    normalize=normalize,
    verify_signature=verify_signature,
    unwrap_webhook=unwrap_webhook,
    signature_header=SIGNATURE_HEADER,
    read=read,
)

__all__ = [
    "CONNECTOR",
    "STATUS_MAP",
    "WEBHOOK_TYPES",
    "map_status",
    "normalize",
    "read",
    "unwrap_webhook",
    "verify_signature",
]
