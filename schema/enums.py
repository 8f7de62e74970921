"""GraphQL enums mirroring app.domain.enums (same member names and values).

Mirrors, not the domain classes themselves, so the domain carries no GraphQL registration.
They are StrEnums with the same values, so members compare equal to the stored strings both
ways: a column value "NEW" serializes as QueueStatus.NEW, and an input member goes to SQL as is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry

from app.domain import enums as domain


def _mirror(source: type[StrEnum], name: str, description: str) -> Any:
    copy = StrEnum(name, {member.name: member.value for member in source})  # type: ignore[misc]
    return strawberry.enum(copy, description=description)


TicketKind = _mirror(domain.TicketKind, "TicketKind", "Queue (walk-in) or helpdesk ticket.")
TicketState = _mirror(
    domain.TicketState, "TicketState", "The state shared by both kinds of ticket."
)
QueueStatus = _mirror(domain.QueueStatus, "QueueStatus", "Status of a queue ticket (Qminder).")
HelpdeskStatus = _mirror(
    domain.HelpdeskStatus, "HelpdeskStatus", "Status of a helpdesk ticket (Gorgias, Zaia)."
)
TicketSource = _mirror(domain.TicketSource, "TicketSource", "How a queue ticket was created.")
Circumstance = _mirror(
    domain.Circumstance, "Circumstance", "Why a human took a chat over from an AI responder."
)
MessageDirection = _mirror(domain.MessageDirection, "MessageDirection", "Who wrote a message.")
OriginSystem = _mirror(domain.OriginSystem, "OriginSystem", "Where a ticket came from.")
Role = _mirror(domain.Role, "Role", "What an API key may do.")
TicketEventType = _mirror(domain.EventType, "TicketEventType", "What happened to a ticket.")
QueuePosition = _mirror(domain.QueuePosition, "QueuePosition", "First or last in a line.")
