"""What every mutation answers: the changed object, and the refusals as data (`UserError`).

One payload type per kind of object (TicketPayload, LinePayload, UserPayload, TeamPayload),
shared by the mutations that return it, so clients write one fragment for all ticket mutations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.domain.errors import DomainError, ErrorCode
from schema import docs
from schema.enums import str_enum
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
_MEANINGS = {
    ErrorCode.NOT_FOUND: "An ID in the input names nothing in your workspace.",
    ErrorCode.INVALID_TRANSITION: "The ticket's status does not allow this step now.",
    ErrorCode.VALIDATION: "An input value is malformed or out of range (`field` names it).",
    ErrorCode.CONFLICT: "It clashes with the data: a stale expectedVersion, a name in use.",
    ErrorCode.FORBIDDEN: "The API key's role may not do this.",
}
UserErrorCode: Any = strawberry.enum(
    str_enum("UserErrorCode", {code.name: code.value for code in _USER_ERROR_CODES}),
    description="Why a mutation was refused (same values as the domain's error codes).",
)
for _value in UserErrorCode.__strawberry_definition__.values:
    _value.description = _MEANINGS[ErrorCode(_value.value)]


@strawberry.type(description="A refused mutation: a stable code and message, and the input field.")
class UserError:
    code: UserErrorCode = strawberry.field(
        description="A stable code to branch on; see UserErrorCode."
    )
    message: str = strawberry.field(
        description="What went wrong, in English, for people: don't parse it."
    )
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null for the whole input."
    )

    @classmethod
    def from_domain(cls, error: DomainError, field: str | None) -> UserError:
        return cls(code=UserErrorCode(error.code.value), message=error.message, field=field)


def payload_errors() -> Any:
    """Every payload's `errors` field: the refusals, empty on success."""
    return strawberry.field(default_factory=list, description=docs.PAYLOAD_ERRORS)


@strawberry.type(description="The ticket as it is after the mutation; null when refused.")
class TicketPayload:
    ticket: Annotated[Ticket, strawberry.lazy("schema.types.ticket")] | None = strawberry.field(
        default=None,
        description=(
            "The ticket after the change; null when refused, and when "
            "callNextTicket finds nobody waiting."
        ),
    )
    errors: list[UserError] = payload_errors()


@strawberry.type(description="The line created; null when refused.")
class LinePayload:
    line: Line | None = strawberry.field(
        default=None, description="The new line; null when refused."
    )
    errors: list[UserError] = payload_errors()


@strawberry.type(description="The user created; null when refused.")
class UserPayload:
    user: User | None = strawberry.field(
        default=None, description="The new user; null when refused."
    )
    errors: list[UserError] = payload_errors()


@strawberry.type(description="The team created; null when refused.")
class TeamPayload:
    team: Team | None = strawberry.field(
        default=None, description="The new team; null when refused."
    )
    errors: list[UserError] = payload_errors()
