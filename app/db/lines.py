"""Queue lines (where walk-in visitors wait) and the locations they belong to."""

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.types import UTCDateTime, utcnow


class Location(SQLModel, table=True):
    """A physical place (a Qminder location: a building, a branch) that lines belong to."""

    __table_args__ = (UniqueConstraint("workspace_id", "external_system", "external_id"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    external_system: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Line(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "external_system", "external_id"),)

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    # Letter(s) before the number in a public id: "A" gives "A-42".
    prefix: str = Field(default="A", max_length=8)
    external_system: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    location_id: int | None = Field(default=None, foreign_key="location.id")
