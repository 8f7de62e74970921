"""Zaia ticket details (seeds/002, GET /api/v1/tickets/{id}/details) plus the fields its
create / complete / take-over answers add (circumstance, lastViewedAt, updatedAt)."""

from __future__ import annotations

from app.ingest.connectors.base import Int32, VendorDateTime, VendorModel


class ZaiaTicket(VendorModel):
    id: str
    status: str
    createdAt: VendorDateTime
    updatedAt: VendorDateTime | None = None
    summary: str | None = None
    assigneeId: str | None = None
    assigneeEmail: str | None = None
    assigneeName: str | None = None
    assigneePicture: str | None = None
    channelId: str | None = None
    channelName: str | None = None
    channelType: str | None = None
    chatId: str | None = None
    chatIsRemoved: bool | None = None
    chatOwnerId: str | None = None
    completedAt: VendorDateTime | None = None
    ongoingAt: VendorDateTime | None = None
    lastViewedAt: VendorDateTime | None = None
    isOwnerBlocked: bool | None = None
    ownerEmail: str | None = None
    ownerEntity: str | None = None
    ownerIdentifier: str | None = None
    ownerName: str | None = None
    pendingChatMessages: Int32 | None = None
    responderEntity: str | None = None
    responderId: str | None = None
    responderName: str | None = None
    responderPicture: str | None = None
    responderVersionId: str | None = None
    responderVersionNumber: Int32 | None = None
    circumstance: str | None = None
    ticketingTeamId: str | None = None
    ticketingTeamName: str | None = None
    ticketingTeamPicture: str | None = None
    workspaceId: str | None = None
