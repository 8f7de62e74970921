"""Global IDs: opaque base64 of "TypeName:pk". Both ticket kinds share the "Ticket" name.

Mutations decode ids with `decode_pk(value, "Ticket", field="id")`. A key past what a key
column holds (app.domain.input_rules.MAX_KEY) is malformed: no row can have it, and PostgreSQL
would refuse it as a parameter.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from graphql import GraphQLError

from app.domain.errors import ErrorCode, not_found, validation
from app.domain.global_ids import TICKET
from app.domain.global_ids import encode_global_id as encode_id
from app.domain.input_rules import key_problem

NODE_TYPES = frozenset(
    {
        TICKET,
        "User",
        "Team",
        "Line",
        "Location",
        "Contact",
        "Label",
        "Message",
        "TicketEvent",
        "Workspace",
        "BusinessCalendar",
        "SlaPolicy",
    }
)


def bad_id(field: str, message: str) -> GraphQLError:
    return GraphQLError(
        message, extensions={"code": ErrorCode.BAD_USER_INPUT.value, "field": field}
    )


def decode_id(value: str, field: str = "id") -> tuple[str, int]:
    """(type name, primary key); a BAD_USER_INPUT GraphQL error naming `field` for anything
    malformed."""
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        type_name, _, pk = text.partition(":")
        number = int(pk) if pk.isascii() and pk.isdigit() else -1
        if type_name in NODE_TYPES and key_problem(number) is None:
            return type_name, number
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise bad_id(field, f"'{field}' is not a valid ID.")


def decode_pk(value: str, type_name: str, field: str = "id") -> int:
    """The primary key of an id that must name `type_name`."""
    found, pk = decode_id(value, field)
    if found != type_name:
        raise bad_id(field, f"'{field}' must be a {type_name} ID.")
    return pk


def opaque_pk(value: str, type_name: str, what: str, field: str = "id") -> int:
    """The key of an id of a type that is no Node (API keys, webhook endpoints: reached only
    through their own list), refused as data: VALIDATION when malformed, NOT_FOUND (`what` not
    found) when it names something else."""
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise validation("Malformed ID.", field) from None
    found, _, number = text.partition(":")
    if found != type_name or not number.isascii() or not number.isdigit():
        raise not_found(what, field)
    return int(number)


__all__ = [
    "NODE_TYPES",
    "TICKET",
    "decode_id",
    "decode_pk",
    "decode_pks",
    "encode_id",
    "opaque_pk",
]


def decode_pks(values: Sequence[str] | None, type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_pk(value, type_name, field) for value in values or ())
