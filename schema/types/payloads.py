"""What every mutation answers: the changed object, and the refusals as data (`UserError`).

One payload type per kind of object (TicketPayload, LinePayload, UserPayload, TeamPayload),
shared by the mutations that return it, so clients write one fragment for all ticket mutations.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.domain.errors import DomainError, ErrorCode
from schema.types.people import Team, User
from schema.types.places import Line

if TYPE_CHECKING:
    from schema.types.ticket import Ticket

# The codes a mutation can answer in `errors`: members of app.domain.errors.ErrorCode.
_USER_ERROR_CODES = (
    ErrorCode.NOT_FOUND,
    ErrorCode.INVALID_TRANSITION,
    ErrorCode.VALIDATION,
    ErrorCode.CONFLICT,
    ErrorCode.FORBIDDEN,
)
UserErrorCode: Any = strawberry.enum(
    StrEnum("UserErrorCode", {code.name: code.value for code in _USER_ERROR_CODES}),  # type: ignore[misc]
    description="Why a mutation was refused (same values as the domain's error codes).",
)


@strawberry.type(description="A refused mutation: a stable code and message, and the input field.")
class UserError:
    code: UserErrorCode
    message: str
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null for the whole input."
    )

    @classmethod
    def from_domain(cls, error: DomainError, field: str | None) -> UserError:
        return cls(code=UserErrorCode(error.code.value), message=error.message, field=field)


@strawberry.type(description="The ticket as it is after the mutation; null when refused.")
class TicketPayload:
    ticket: Annotated[Ticket, strawberry.lazy("schema.types.ticket")] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The line created; null when refused.")
class LinePayload:
    line: Line | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The user created; null when refused.")
class UserPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The team created; null when refused.")
class TeamPayload:
    team: Team | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
