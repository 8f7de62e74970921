"""Opaque cursors. Clients must treat them as strings; we keep them short and versioned."""

from __future__ import annotations

import base64
import binascii

from app.domain.errors import DomainError, ErrorCode
from app.domain.input_rules import key_problem

_EVENT_PREFIX = "ev1:"


def encode_event_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_EVENT_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_event_cursor(cursor: str) -> int:
    """The event sequence number inside a cursor; BAD_USER_INPUT for anything else (a number
    past what the sequence column holds included)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        digits = text[len(_EVENT_PREFIX) :]
        if text.startswith(_EVENT_PREFIX) and digits.isascii() and digits.isdigit():
            seq = int(digits)
            if key_problem(seq) is None:
                return seq
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise DomainError(ErrorCode.BAD_USER_INPUT, "The cursor is not a valid event cursor.", "after")
