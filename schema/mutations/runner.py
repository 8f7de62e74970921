"""The one place mutations turn input ids into keys and refusals into `UserError`s.

A mutation resolver is: `return await ticket_mutation(info, lambda env, me: service(...))`.
Ids are decoded inside that lambda, so a bad id is refused like any DomainError: as data in
`errors`, with the input field named in camelCase. A malformed id is VALIDATION; an id of the
wrong type is NOT_FOUND, exactly like an unknown id or another workspace's (services check those).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from graphql import GraphQLError

from app.context import Info
from app.db import Ticket
from app.domain.errors import DomainError, not_found, validation
from app.domain.principal import Principal
from app.live.service_env import ServiceEnv
from schema.ids import decode_id
from schema.types.payloads import TicketPayload, UserError

if TYPE_CHECKING:
    from schema.types.ticket import Ticket as TicketType

T = TypeVar("T")
Command = Callable[[ServiceEnv, Principal], Awaitable[T]]


@overload
def pk(value: str, type_name: str, field: str) -> int: ...
@overload
def pk(value: str | None, type_name: str, field: str) -> int | None: ...
def pk(value: str | None, type_name: str, field: str) -> int | None:
    """The primary key of a global id naming a `type_name`; None stays None."""
    if value is None:
        return None
    try:
        found, key = decode_id(value)
    except GraphQLError:
        raise validation("Malformed ID.", field) from None
    if found != type_name:
        raise not_found(type_name, field)
    return key


def required_pk(value: str, type_name: str, field: str) -> int:
    return pk(value, type_name, field)


def ticket_pk(value: str, field: str = "id") -> int:
    return required_pk(value, "Ticket", field)


def pks(values: Iterable[str], type_name: str, field: str) -> list[int]:
    return [required_pk(value, type_name, field) for value in values]


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


async def run_command(
    info: Info, call: Command[T], renames: Mapping[str, str] | None = None
) -> tuple[T | None, list[UserError]]:
    """Run one service command as the caller; (result, []) or (None, [the refusal])."""
    ctx = info.context
    try:
        return await call(ctx.env, ctx.require_principal()), []
    except DomainError as error:
        field = None if error.field is None else camel_case(error.field)
        if field is not None and renames:
            field = renames.get(field, field)
        return None, [UserError.from_domain(error, field)]


async def run_on_row(
    info: Info,
    service: Callable[..., Awaitable[T]],
    key: tuple[str, Callable[[], int]],
    *args: Any,
    **kwargs: Any,
) -> tuple[T | None, list[UserError]]:
    """Run an app command on one row of the caller's workspace: `service(db, *args,
    workspace_id=..., <name>=<decode()>, **kwargs)` for `key` = (name, decode). The input's id is
    decoded inside the command, so a bad one is refused as data, like any refusal."""
    name, decode = key

    async def run(env: ServiceEnv, me: Principal) -> T:
        row_key = {name: decode()}
        return await service(env.db, *args, workspace_id=me.workspace_id, **row_key, **kwargs)

    return await run_command(info, run)


async def ticket_mutation(
    info: Info, call: Command[Ticket | None], renames: Mapping[str, str] | None = None
) -> TicketPayload:
    """Run a ticket command and answer the ticket as it is now, relations included."""
    ticket, errors = await run_command(info, call, renames)
    if ticket is not None:
        # The write may have touched other tickets too (call-next serves the previous one):
        # start this request's caches afresh, then seed them with the row just written.
        info.context.fresh_loaders().prime_ticket(ticket)
    # The row stands in for the GraphQL type (schema/types/node.py, RowType).
    return TicketPayload(ticket=cast("TicketType | None", ticket), errors=errors)
