"""Checks on command input shared by several commands. Messages never echo the input."""

from __future__ import annotations

import re
from datetime import datetime

from app.domain.colors import normalize_color
from app.domain.errors import validation

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_PREFIX = re.compile(r"^[A-Z0-9]{1,8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_DESK = 9999
NAME_MAX = 200


def required_text(value: str | None, field: str, *, max_length: int = NAME_MAX) -> str:
    """A non-blank string, stripped."""
    text = (value or "").strip()
    if not text:
        raise validation("This field must not be empty.", field)
    if len(text) > max_length:
        raise validation("This field is too long.", field)
    return text


def optional_text(value: str | None, field: str, *, max_length: int = NAME_MAX) -> str | None:
    """A stripped string, or None when blank."""
    if value is None or not value.strip():
        return None
    return required_text(value, field, max_length=max_length)


def check_color(color: str | None) -> str | None:
    if color is None:
        return None
    if not _COLOR.match(color):
        raise validation("A color is #RGB or #RRGGBB.", "color")
    return normalize_color(color)  # one stored form, whoever wrote it: #RRGGBB


def check_prefix(prefix: str) -> str:
    value = prefix.strip().upper()
    if not _PREFIX.match(value):
        raise validation("A prefix is 1-8 letters or digits.", "prefix")
    return value


def check_email(email: str | None, field: str = "email") -> str | None:
    value = optional_text(email, field, max_length=320)
    if value is not None and not _EMAIL.match(value):
        raise validation("This is not an email address.", field)
    return value


def check_url(url: str | None) -> str | None:
    value = optional_text(url, "url", max_length=2000)
    if value is not None and not value.startswith(("http://", "https://")):
        raise validation("A URL starts with http:// or https://.", "url")
    return value


def check_desk(desk: int | None) -> int | None:
    if desk is not None and not 1 <= desk <= MAX_DESK:
        raise validation("A desk is a number from 1 to 9999.", "desk")
    return desk


def check_future(until: datetime, now: datetime) -> datetime:
    if until.tzinfo is None:
        raise validation("The time needs a time zone.", "until")
    if until <= now:
        raise validation("The time must be in the future.", "until")
    return until
