"""Gorgias (helpdesk tickets): payload models, mapping, and the webhook body our header signs.

Gorgias HTTP integrations don't sign requests, so the integration is configured to send our
header: `X-Ticketgw-Signature: sha256=<hex HMAC-SHA256(workspace's gorgias secret, raw body)>`.
"""

from __future__ import annotations

from typing import Any

from app.ingest.connectors.base import PayloadError, ticket_connector
from app.ingest.connectors.gorgias.mapping import STATUS_MAP, map_status, normalize

WEBHOOK_EVENTS = frozenset({"ticket_created", "ticket_updated", "ticket_message_created"})


def unwrap_webhook(body: Any) -> tuple[Any, str | None]:
    """A bare ticket, or `{"event": "ticket_updated", "ticket": {...}}` from an HTTP integration."""
    if isinstance(body, dict) and "ticket" in body and "status" not in body:
        ticket = body["ticket"]
        if not isinstance(ticket, dict):
            raise PayloadError("ticket", "Expected an object.")
        event = body.get("event", body.get("type"))
        if event is not None and not isinstance(event, str):
            raise PayloadError("event", "Expected a string.")
        return ticket, event
    return body, None


CONNECTOR = ticket_connector("gorgias", normalize, unwrap_webhook)

__all__ = ["CONNECTOR", "STATUS_MAP", "map_status", "normalize", "unwrap_webhook"]
