"""Zaia ticket -> TicketRecord. Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.domain.enums import Circumstance, HelpdeskStatus, OriginSystem, TicketKind
from app.domain.records import ContactRecord, TeamRef, TicketRecord, UserRef
from app.ingest.connectors.base import PayloadError, as_utc, parse_model
from app.ingest.connectors.zaia.models import ZaiaTicket

# Zaia's inbox: Unanswered / In Progress / Finished. Any case is accepted.
STATUS_MAP = {
    "pending": HelpdeskStatus.OPEN,
    "ongoing": HelpdeskStatus.ONGOING,
    "completed": HelpdeskStatus.CLOSED,
}
# Kept in vendor_data: they describe the responder, channel and owner beyond our columns.
_KEPT = (
    "channelId",
    "channelName",
    "ownerEntity",
    "ownerIdentifier",
    "responderEntity",
    "responderId",
    "responderPicture",
    "responderVersionId",
    "workspaceId",
)


def map_status(raw: str) -> HelpdeskStatus:
    status = STATUS_MAP.get(raw.strip().lower())
    if status is None:
        raise PayloadError("status", "Unknown status.")
    return status


def _circumstance(raw: str | None) -> str | None:
    if raw is None:
        return None
    value = raw.strip().upper()
    if value not in Circumstance.__members__:
        raise PayloadError("circumstance", "Expected takeover or handover.")
    return value


def normalize(payload: Any, *, now: datetime | None = None) -> TicketRecord:
    t = parse_model(ZaiaTicket, payload)
    status = map_status(t.status)
    created_at = as_utc(t.createdAt)
    ongoing_at, completed_at = as_utc(t.ongoingAt), as_utc(t.completedAt)
    # No updatedAt in the details answer: the latest lifecycle time stands in for it.
    updated = as_utc(t.updatedAt) or max(d for d in (created_at, ongoing_at, completed_at) if d)
    leftovers = t.leftovers() | {k: getattr(t, k) for k in _KEPT if getattr(t, k) is not None}
    columns: dict[str, Any] = {
        "title": t.summary,
        "summary": t.summary,
        "channel": t.channelType,
        "channel_name": t.channelName,
        "circumstance": _circumstance(t.circumstance),
        "responder_name": t.responderName,
        "responder_version": t.responderVersionNumber,
        "created_at": created_at,
        "ongoing_at": ongoing_at,
        "closed_at": completed_at,
        "last_viewed_at": as_utc(t.lastViewedAt),
        "chat_id": t.chatId,
        "chat_is_removed": t.chatIsRemoved,
        # A removed chat is hidden like a trashed ticket (includeRemoved shows it). Zaia tells
        # no removal time: the payload's own time stands in (kept while it stays removed).
        "trashed_at": updated if t.chatIsRemoved else None,
        "is_owner_blocked": t.isOwnerBlocked,
        "pending_chat_messages": t.pendingChatMessages,
    }
    contact = None
    if t.chatOwnerId is not None:
        contact = ContactRecord(
            external_id=t.chatOwnerId,
            name=t.ownerName,
            email=t.ownerEmail,
            identifier=t.ownerIdentifier,
            data={"ownerEntity": t.ownerEntity, "ownerIdentifier": t.ownerIdentifier},
        )
    assignee = None
    if t.assigneeId is not None:
        assignee = UserRef(
            t.assigneeId, t.assigneeName, email=t.assigneeEmail, picture=t.assigneePicture
        )
    team = None
    if t.ticketingTeamId is not None:
        team = TeamRef(t.ticketingTeamId, t.ticketingTeamName, t.ticketingTeamPicture)
    return TicketRecord(
        origin_system=OriginSystem.ZAIA,
        external_id=t.id,
        kind=TicketKind.HELPDESK,
        status=status.value,
        raw_status=t.status,
        columns=columns,
        contact=contact,
        assignee=assignee,
        team=team,
        vendor_data=leftovers,
        vendor_updated_at=updated,
        raw_payload=payload,
    )
