"""How many tickets each workspace has per kind, status, state, origin and removal.

Kept by database triggers (migration 0017) in the same transaction as every write to `ticket`,
whatever path writes it (mutations, ingest, import, demo, bench data), so counting a filter of
these columns reads a few dozen rows instead of the table. Never written by application code.
"""

from sqlmodel import Field, SQLModel


class TicketCount(SQLModel, table=True):
    __tablename__ = "ticket_count"

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    kind: str = Field(max_length=16, primary_key=True)
    status: str = Field(max_length=32, primary_key=True)
    state: str = Field(max_length=16, primary_key=True)
    origin_system: str = Field(max_length=16, primary_key=True)
    # Spam or trashed: hidden from lists unless includeRemoved.
    removed: bool = Field(primary_key=True)
    tickets: int = Field(default=0)
