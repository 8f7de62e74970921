"""SQLModel tables, the engine and sessions, and the Alembic migrations.

Primary keys are typed `id: int = Field(default=None, ...)`, as SQLAlchemy's own `Mapped[int]`
would be: the id is None only until the row's first flush (the database assigns it), and only
the code that adds rows looks before that (`if ticket.id is None: flush`); every other reader
sees an int, and an `int | None` would need a check or an ignore at each use.
In queries, wrap a column in `sqlmodel.col()`: the class attribute is typed as its value
(`Ticket.id` is an `int` to mypy), `col(Ticket.id)` as the column expression it is at run time.

May import: app.config, app.outages, app.domain; nothing that runs a command or reads for GraphQL.
"""

from sqlalchemy import Table
from sqlmodel import SQLModel

from app.db.derived.ticket_counts import TicketCount
from app.db.events import TicketEvent
from app.db.labels import Label, TicketLabel
from app.db.lines import Line, Location
from app.db.people import Contact, Team, User
from app.db.sla import SlaCalendar, SlaPolicy, SlaTimer
from app.db.tickets import ExtraField, Interaction, Message, Ticket
from app.db.webhooks import WebhookDelivery, WebhookEndpoint
from app.db.workspace import ApiKey, IngestDelivery, WebhookSecret, Workspace

__all__ = [
    "ApiKey",
    "Contact",
    "ExtraField",
    "IngestDelivery",
    "Interaction",
    "Label",
    "Line",
    "Location",
    "Message",
    "SlaCalendar",
    "SlaPolicy",
    "SlaTimer",
    "Team",
    "Ticket",
    "TicketCount",
    "TicketEvent",
    "TicketLabel",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookSecret",
    "Workspace",
]  # the tables only (code that walks every table reads this list)


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table: for Core statements (bulk inserts, the loaders' queries)."""
    return model.__table__  # type: ignore[attr-defined]  # SQLModel sets it, undeclared
