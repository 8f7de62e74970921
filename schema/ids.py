"""Global IDs: opaque base64 of "TypeName:pk". Both ticket kinds share the "Ticket" name.

Mutations decode ids with `decode_pk(value, "Ticket", field="id")`.
"""

from __future__ import annotations

import base64
import binascii

from app.domain.errors import ErrorCode
from schema.errors import graphql_error

TICKET = "Ticket"
NODE_TYPES = frozenset(
    {TICKET, "User", "Team", "Line", "Contact", "Label", "Message", "TicketEvent", "Workspace"}
)


def encode_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def decode_id(value: str) -> tuple[str, int]:
    """(type name, primary key); a BAD_USER_INPUT GraphQL error for anything malformed."""
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        type_name, _, pk = text.partition(":")
        if type_name in NODE_TYPES and pk.isdigit():
            return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise graphql_error(ErrorCode.BAD_USER_INPUT, "Malformed ID.")


def decode_pk(value: str, type_name: str, field: str = "id") -> int:
    """The primary key of an id that must name `type_name`."""
    found, pk = decode_id(value)
    if found != type_name:
        raise graphql_error(ErrorCode.BAD_USER_INPUT, f"'{field}' must be a {type_name} ID.")
    return pk


def decode_pks(values: list[str] | None, type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_pk(value, type_name, field) for value in values or ())
