"""Keyset cursors for ticket lists and message pages: opaque, versioned, stable under inserts.

A cursor holds the sort value and the id of the last row seen, so rows inserted before or after
it never shift a page. Event cursors live in app.domain.cursors (they are part of the event log).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from app.domain.errors import DomainError, ErrorCode
from app.domain.input_rules import datetime_problem, key_problem


def encode_keyset(prefix: str, value: datetime, row_id: int) -> str:
    raw = f"{prefix}:{value.isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_keyset(prefix: str, cursor: str, field: str) -> tuple[datetime, int]:
    """(sort value, id) of a cursor made by encode_keyset with the same prefix. A hand-made
    one holding an instant or an id no row can have is refused like any other bad cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        head, _, rest = text.partition(":")
        stamp, _, digits = rest.rpartition("|")
        if head == prefix and digits.isascii() and digits.isdigit():
            value, row_id = datetime.fromisoformat(stamp), int(digits)
            if datetime_problem(value) is None and key_problem(row_id) is None:
                return value, row_id
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise DomainError(ErrorCode.BAD_USER_INPUT, "The cursor is not valid for this list.", field)
