"""Tickets of both kinds in one table, and what hangs off them.

Common columns first, then the queue (Qminder) columns, then the helpdesk (Gorgias, Zaia)
columns. Whatever a vendor sends that has no column stays in `vendor_data`.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.sla import NEVER_DUE
from app.db.types import JSONType, UTCDateTime, utcnow


class Ticket(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("workspace_id", "origin_system", "external_id"),
        Index("ix_ticket_ws_created", "workspace_id", "created_at", "id"),
        Index("ix_ticket_ws_updated", "workspace_id", "updated_at", "id"),
        Index("ix_ticket_queue", "workspace_id", "line_id", "status", "queue_key", "id"),
        # Query.tickets ordered by SLA_DUE_AT ("breaching soon").
        Index("ix_ticket_ws_sla_due", "workspace_id", "sla_due_at", "id"),
    )

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    kind: str = Field(max_length=16)
    status: str = Field(max_length=32)
    state: str = Field(max_length=16, index=True)
    title: str | None = Field(default=None, max_length=1000)
    # Bumped by every change; mutations may pass it back as expectedVersion.
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Indexed: search finds tickets by their contact's name.
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    assigner_id: int | None = Field(default=None, foreign_key="app_user.id")
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    # Origin: where the ticket came from and the vendor's own view of it.
    origin_system: str = Field(default="TICKETGW", max_length=16)
    external_id: str | None = Field(default=None, max_length=200)
    raw_status: str | None = Field(default=None, max_length=64)
    vendor_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    vendor_data: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    raw_payload: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    # Digests of the payloads already applied at the ticket's current vendor time: a repeat
    # of one of them is a no-op (Qminder sends no delivery id and no update time).
    vendor_digests: list[str] | None = Field(default=None, sa_type=JSONType)

    # --- queue tickets (Qminder) ---
    line_id: int | None = Field(default=None, foreign_key="line.id")
    number: int | None = Field(default=None)
    public_id: str | None = Field(default=None, max_length=32)
    source: str | None = Field(default=None, max_length=16)
    # The source as the vendor spelled it (OTHER in `source` when we have no member for it).
    raw_source: str | None = Field(default=None)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    phone_number: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=320)
    language_code: str | None = Field(default=None, max_length=16)
    called_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    called_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    desk: int | None = Field(default=None)
    served_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    order_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Sort key of the waiting line: order_after when reordered, else created_at.
    queue_key: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # --- helpdesk tickets (Gorgias, Zaia) ---
    subject: str | None = Field(default=None)
    summary: str | None = Field(default=None)
    channel: str | None = Field(default=None, max_length=64)
    channel_name: str | None = Field(default=None)
    via: str | None = Field(default=None, max_length=64)
    circumstance: str | None = Field(default=None, max_length=16)
    responder_name: str | None = Field(default=None, max_length=200)
    responder_version: int | None = Field(default=None)
    snooze_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    spam: bool = Field(default=False)
    trashed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unread: bool = Field(default=False)
    language: str | None = Field(default=None, max_length=16)
    last_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_received_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ongoing_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_viewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    from_agent: bool | None = Field(default=None)
    # Gorgias's own `external_id` (a reference in a foreign system), not our key.
    external_reference: str | None = Field(default=None, max_length=200)
    chat_id: str | None = Field(default=None, max_length=64)
    chat_is_removed: bool | None = Field(default=None)
    is_owner_blocked: bool | None = Field(default=None)
    pending_chat_messages: int | None = Field(default=None)
    # Gorgias satisfaction survey: {score, body_text, created_at, sent_at, scored_at, ...}.
    satisfaction: dict[str, Any] | None = Field(default=None, sa_type=JSONType)

    # --- SLA (app/sla) ---
    # The earliest due time of the ticket's running SLA timers (NEVER_DUE when none runs),
    # kept by app/sla in the same transaction as every write.
    sla_due_at: datetime = Field(default=NEVER_DUE, sa_type=UTCDateTime)


class Message(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    body: str | None = Field(default=None)
    body_html: str | None = Field(default=None)
    direction: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=64)
    via: str | None = Field(default=None, max_length=64)
    # Qminder SMS status (NEW, SENT, DELIVERED, INVALID_NUMBER) or a vendor's own.
    status: str | None = Field(default=None, max_length=32)
    public: bool = Field(default=True)
    subject: str | None = Field(default=None)
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    sender: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    receiver: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    attachments: list[dict[str, Any]] | None = Field(default=None, sa_type=JSONType)
    external_id: str | None = Field(default=None, max_length=200)
    # The vendor's reference in a foreign system (Gorgias message external_id), not our key.
    external_reference: str | None = Field(default=None)
    # How the message was routed: {type, from: {name, address}, to, cc, bcc} (Gorgias source).
    routing: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    vendor_data: dict[str, Any] | None = Field(default=None, sa_type=JSONType)


class Interaction(SQLModel, table=True):
    """One service session: from a call to served / no-show / return / move."""

    # Which desks served a line lately (app/floor/stats.py: active desks).
    __table_args__ = (Index("ix_interaction_line_start", "workspace_id", "line_id", "start"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    start: datetime = Field(sa_type=UTCDateTime)
    end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    line_id: int | None = Field(default=None, foreign_key="line.id")
    desk: int | None = Field(default=None)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")


class ExtraField(SQLModel, table=True):
    """Qminder extra fields and external info (provider + structured data)."""

    __tablename__ = "extra_field"

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=500)
    value: str | None = Field(default=None)
    url: str | None = Field(default=None, max_length=2000)
    provider: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
