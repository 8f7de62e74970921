"""Who works tickets (users, teams) and who they are for (contacts)."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.types import JSONType, UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    __table_args__ = (UniqueConstraint("workspace_id", "external_system", "external_id"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    picture: str | None = Field(default=None, max_length=1000)
    external_system: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Team(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "external_system", "external_id"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    picture: str | None = Field(default=None, max_length=1000)
    external_system: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Contact(SQLModel, table=True):
    """A queue visitor or a helpdesk customer."""

    __table_args__ = (UniqueConstraint("workspace_id", "external_system", "external_id"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str | None = Field(default=None, max_length=400)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone_number: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    timezone: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None)
    # Who the contact is on its channel when that is not an email (Zaia ownerIdentifier: a
    # phone number, a handle).
    identifier: str | None = Field(default=None)
    # Vendor leftovers (Gorgias customer data, meta, integrations).
    data: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    external_system: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
