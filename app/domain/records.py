"""Vendor-neutral records: what a connector makes of a vendor payload, before it touches a table.

A connector fills these from one vendor ticket; the ingest service upserts them. References to
people, teams and lines carry the vendor's id so the ingest service can create or match rows.
A child list that is None was absent from the payload (keep what is stored); a list, even an
empty one, is authoritative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.enums import OriginSystem, TicketKind


@dataclass(frozen=True)
class UserRef:
    external_id: str
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    picture: str | None = None


@dataclass(frozen=True)
class TeamRef:
    external_id: str
    name: str | None = None
    picture: str | None = None


@dataclass(frozen=True)
class LineRef:
    external_id: str
    name: str | None = None


@dataclass(frozen=True)
class LocationRecord:
    """A vendor's location (Qminder location_created / location_changed)."""

    external_id: str
    name: str | None = None


@dataclass(frozen=True)
class LineRecord:
    """A vendor's line on its own (Qminder line_changed): its name and, when sent, its place."""

    external_id: str
    name: str | None = None
    location: LocationRecord | None = None


@dataclass
class ContactRecord:
    """A visitor or customer. Without `external_id` it belongs to its ticket alone."""

    external_id: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    language: str | None = None
    timezone: str | None = None
    note: str | None = None
    identifier: str | None = None
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class LabelRecord:
    name: str
    color: str | None = None
    description: str | None = None
    external_id: str | None = None


@dataclass
class MessageRecord:
    direction: str
    created_at: datetime
    body: str | None = None
    body_html: str | None = None
    external_id: str | None = None
    external_reference: str | None = None
    channel: str | None = None
    via: str | None = None
    status: str | None = None
    public: bool = True
    subject: str | None = None
    author: UserRef | None = None
    sender: dict[str, Any] | None = None
    receiver: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] | None = None
    # {type, from: {name, address}, to: [...], cc: [...], bcc: [...]}, addresses as sent.
    routing: dict[str, Any] | None = None
    sent_at: datetime | None = None
    opened_at: datetime | None = None
    failed_at: datetime | None = None
    deleted_at: datetime | None = None
    vendor_data: dict[str, Any] | None = None

    def natural_key(self) -> tuple[Any, ...]:
        """The vendor id when there is one, else when it was sent and what it says."""
        if self.external_id is not None:
            return ("id", self.external_id)
        return ("at", self.created_at, self.direction, self.body)


@dataclass
class InteractionRecord:
    start: datetime
    end: datetime | None = None
    line: LineRef | None = None
    desk: int | None = None
    user: UserRef | None = None

    def natural_key(self) -> tuple[Any, ...]:
        return (self.start,)


@dataclass
class ExtraRecord:
    title: str
    value: str | None = None
    url: str | None = None
    provider: str | None = None
    data: dict[str, Any] | None = None

    def natural_key(self) -> tuple[Any, ...]:
        return (self.provider, self.title)


@dataclass
class TicketRecord:
    """One vendor ticket, normalized. `columns` holds Ticket column values by column name."""

    origin_system: OriginSystem
    external_id: str
    kind: TicketKind
    status: str
    raw_status: str
    columns: dict[str, Any] = field(default_factory=dict)
    contact: ContactRecord | None = None
    assignee: UserRef | None = None
    assigner: UserRef | None = None
    called_by: UserRef | None = None
    team: TeamRef | None = None
    line: LineRef | None = None
    messages: list[MessageRecord] | None = None
    interactions: list[InteractionRecord] | None = None
    labels: list[LabelRecord] | None = None
    extra: list[ExtraRecord] | None = None
    # Fields with no column, kept as the vendor sent them.
    vendor_data: dict[str, Any] = field(default_factory=dict)
    # When the vendor last changed the ticket, as far as the payload tells (Qminder: its latest
    # lifecycle date). A payload older than the stored one changes nothing.
    vendor_updated_at: datetime | None = None
    raw_payload: dict[str, Any] = field(default_factory=dict)
    # The webhook type that announced the payload (ticket_recalled, ...), None in a plain export.
    event: str | None = None
    # Who made the latest lifecycle step (Qminder's canceller): the actor of its event.
    actor: UserRef | None = None
    # Identifies the payload as applied (see app.ingest.connectors.base.payload_digest).
    digest: str | None = None


VendorRecord = TicketRecord | LineRecord | LocationRecord
