"""Qminder (queue tickets): payload models, mapping, webhook signature and envelope."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from app.connectors.base import Connector, PayloadError, header, hmac_hex
from app.connectors.qminder.mapping import STATUS_MAP, map_status, normalize

SIGNATURE_HEADER = "X-Qminder-Signature"
WEBHOOK_TYPES = frozenset(
    {"ticket_created", "ticket_called", "ticket_recalled", "ticket_changed", "ticket_served"}
)


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


CONNECTOR = Connector(
    name="qminder",
    normalize=normalize,
    verify_signature=verify_signature,
    unwrap_webhook=unwrap_webhook,
    signature_header=SIGNATURE_HEADER,
)

__all__ = [
    "CONNECTOR",
    "STATUS_MAP",
    "map_status",
    "normalize",
    "unwrap_webhook",
    "verify_signature",
]
