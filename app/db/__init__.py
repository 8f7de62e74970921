"""SQLModel tables, the engine and sessions, and the Alembic migrations."""

from app.db.events import TicketEvent
from app.db.labels import Label, TicketLabel
from app.db.lines import Line, Location
from app.db.people import Contact, Team, User
from app.db.sla import SlaCalendar, SlaPolicy, SlaTimer
from app.db.ticket_counts import TicketCount
from app.db.tickets import ExtraField, Interaction, Message, Ticket
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
    "WebhookSecret",
    "Workspace",
]
