"""Global IDs: opaque base64 of "TypeName:pk". Both ticket kinds share the "Ticket" name.

Mutations decode ids with `decode_pk(value, "Ticket", field="id")`.
"""

from __future__ import annotations

import base64
import binascii

from app.domain.errors import ErrorCode
from app.domain.global_ids import TICKET
from app.domain.global_ids import encode_global_id as encode_id
from schema.errors import graphql_error

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
    }
)


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


__all__ = ["NODE_TYPES", "TICKET", "decode_id", "decode_pk", "decode_pks", "encode_id"]


def decode_pks(values: list[str] | None, type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_pk(value, type_name, field) for value in values or ())
