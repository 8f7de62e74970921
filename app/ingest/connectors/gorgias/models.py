"""Gorgias Ticket payload (seeds/003): fields with a column are declared (and type-checked);
the rest stay as sent and end up in the ticket's, message's or contact's vendor JSON."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.ingest.connectors.base import Int32, VendorDateTime, VendorModel

VendorId = int | str


class GUser(VendorModel):
    id: VendorId
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None


class GTeam(VendorModel):
    id: VendorId
    name: str | None = None


class GCustomer(VendorModel):
    id: VendorId
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    language: str | None = None
    timezone: str | None = None
    note: str | None = None


class GParty(VendorModel):
    """A sender or receiver as the routing shows it: a display name and an address."""

    name: str | None = None
    address: str | None = None


class GSource(VendorModel):
    """TicketMessageSource: how the message was routed (`from` is a Python keyword)."""

    type: str | None = None
    from_: GParty | None = Field(default=None, alias="from")
    to: list[GParty] | None = None
    cc: list[GParty] | None = None
    bcc: list[GParty] | None = None


class GMessage(VendorModel):
    id: VendorId | None = None
    external_id: VendorId | None = None
    public: bool | None = None
    channel: str | None = None
    via: str | None = None
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    attachments: list[dict[str, Any]] | None = None
    created_datetime: VendorDateTime
    sent_datetime: VendorDateTime | None = None
    opened_datetime: VendorDateTime | None = None
    failed_datetime: VendorDateTime | None = None
    deleted_datetime: VendorDateTime | None = None
    from_agent: bool
    sender: dict[str, Any] | None = None
    receiver: dict[str, Any] | None = None
    source: GSource | None = None


class GTag(VendorModel):
    # usage, created_datetime, deleted_datetime are kept as sent (the vendor's own example
    # carries malformed dates there).
    name: str
    id: VendorId | None = None
    description: str | None = None
    decoration: dict[str, Any] | None = None


class GSurvey(VendorModel):
    score: Int32 | None = None
    body_text: str | None = None
    created_datetime: VendorDateTime | None = None
    should_send_datetime: VendorDateTime | None = None
    sent_datetime: VendorDateTime | None = None
    scored_datetime: VendorDateTime | None = None


class GorgiasTicket(VendorModel):
    id: VendorId
    status: str
    assignee_user: GUser | None = None
    assignee_team: GTeam | None = None
    channel: str | None = None
    via: str | None = None
    subject: str | None = None
    customer: GCustomer | None = None
    external_id: str | None = None
    from_agent: bool | None = None
    is_unread: bool | None = None
    language: str | None = None
    created_datetime: VendorDateTime | None = None
    updated_datetime: VendorDateTime | None = None
    opened_datetime: VendorDateTime | None = None
    closed_datetime: VendorDateTime | None = None
    last_message_datetime: VendorDateTime | None = None
    last_received_message_datetime: VendorDateTime | None = None
    snooze_datetime: VendorDateTime | None = None
    trashed_datetime: VendorDateTime | None = None
    spam: bool | None = None
    messages: list[GMessage] | None = None
    tags: list[GTag] | None = None
    satisfaction_survey: GSurvey | None = None
