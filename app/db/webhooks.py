"""Outbound webhooks: endpoints (with their delivery cursor and lease) and delivery attempts."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, Index, SQLModel

from app.db.types import JSONType, UTCDateTime, utcnow


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    # The worker's claim: due, active endpoints whose lease is free or expired.
    __table_args__ = (Index("ix_webhook_endpoint_due", "status", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=500)
    enabled: bool = Field(default=True)
    # ACTIVE | PAUSED | DISABLED (app.webhooks.endpoints.Status).
    status: str = Field(default="ACTIVE", max_length=16)
    # app.domain.event_filter.EventFilter as JSON (primary keys, enum values).
    filter: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    # Kept readable: signing needs the secret itself. The previous one signs too until
    # `previous_secret_until` (a rotation's grace period).
    secret: str = Field(max_length=200)
    previous_secret: str | None = Field(default=None, max_length=200)
    previous_secret_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last event seq the receiver acknowledged: delivery resumes after it.
    last_delivered_seq: int = Field(default=0)
    consecutive_failures: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # One process delivers an endpoint at a time: the one holding an unexpired lease.
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Bumped by every admin change of the cursor or the status (redeliver, resume, update):
    # a worker whose claim predates it drops its round instead of moving the cursor.
    generation: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver one event to one endpoint."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_endpoint", "endpoint_id", "id"),)

    id: int = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", ondelete="CASCADE")
    event_seq: int
    event_type: str = Field(max_length=32)
    attempt: int
    succeeded: bool
    response_status: int | None = Field(default=None)
    # What went wrong (a timeout, a refused address, the start of the response body).
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
