"""Labels (Qminder labels, Gorgias and Zaia tags) and their link to tickets."""

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.types import UTCDateTime, utcnow


class Label(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    color: str | None = Field(default=None, max_length=16)
    description: str | None = Field(default=None)
    external_id: str | None = Field(default=None, max_length=200)
    # The vendor that created the label: only its payloads change the colour and description
    # afterwards (one name, one label per workspace; see README "Vendor fields").
    external_system: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketLabel(SQLModel, table=True):
    __tablename__ = "ticket_label"

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    label_id: int = Field(foreign_key="label.id", primary_key=True, index=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
