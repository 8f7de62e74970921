"""Tenants and their credentials: workspaces, API keys, webhook secrets."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.types import JSONType, UTCDateTime, utcnow


class Workspace(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    # Last event sequence number handed out; bumped under a row lock so cursors follow commits.
    event_seq: int = Field(default=0)
    # Events with seq at or below this were pruned: older cursors get CURSOR_EXPIRED.
    events_pruned_through: int = Field(default=0)
    # Set once the workspace has an SLA policy: until then writes skip SLA bookkeeping.
    sla_active: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)
    # The first characters of the key, shown in listings so people can tell keys apart.
    prefix: str = Field(max_length=16)
    # SHA-256 of the key: keys are random and long, so a fast hash is enough and lookups stay O(1).
    key_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # DISPLAY keys only: the line ids (a JSON list) whose board the key may read.
    line_ids: list[Any] | None = Field(default=None, sa_type=JSONType)


class WebhookSecret(SQLModel, table=True):
    __tablename__ = "webhook_secret"
    __table_args__ = (UniqueConstraint("workspace_id", "vendor"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    vendor: str = Field(max_length=32)
    # Kept readable: HMAC verification needs the secret itself.
    secret: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IngestDelivery(SQLModel, table=True):
    """Webhook delivery ids already processed, so a vendor's retry is a no-op."""

    __tablename__ = "ingest_delivery"
    __table_args__ = (UniqueConstraint("workspace_id", "vendor", "delivery_id"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    vendor: str = Field(max_length=32)
    delivery_id: str = Field(max_length=200)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
