"""Zaia (AI chat hand-over tickets): payload model, mapping, and webhook body.

Zaia doesn't sign outgoing calls; the sender adds our header:
`X-Ticketgw-Signature: sha256=<hex HMAC-SHA256(workspace's zaia secret, raw body)>`.
"""

from __future__ import annotations

from typing import Any

from app.ingest.connectors.base import PayloadError, ticket_connector
from app.ingest.connectors.zaia.mapping import STATUS_MAP, map_status, normalize


def unwrap_webhook(body: Any) -> tuple[Any, str | None]:
    """A bare ticket, or `{"event": ..., "ticket"|"data": {...}}`."""
    if isinstance(body, dict) and "status" not in body:
        for key in ("ticket", "data"):
            if key in body:
                ticket = body[key]
                if not isinstance(ticket, dict):
                    raise PayloadError(key, "Expected an object.")
                event = body.get("event", body.get("type"))
                return ticket, event if isinstance(event, str) else None
    return body, None


CONNECTOR = ticket_connector("zaia", normalize, unwrap_webhook)

__all__ = ["CONNECTOR", "STATUS_MAP", "map_status", "normalize", "unwrap_webhook"]
