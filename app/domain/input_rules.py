"""What input the gateway accepts, wherever it comes from (GraphQL, webhooks, imports).

Each check answers None for a good value, else a short reason that never echoes the value. The
limits are the databases': PostgreSQL refuses NUL in text and anything that isn't UTF-8 (SQLite
would store both, so both are refused everywhere, to behave alike); keys are 32-bit integer
columns; Python's datetime ends at the years 1 and 9999.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Every key column (ids, event sequence numbers) is a 32-bit integer on PostgreSQL.
MAX_KEY = 2**31 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

# A day short of datetime's first instant and a year short of its last, so that a zone
# shift or time added to an accepted value never overflows.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)

NUL = "\x00"


def text_problem(value: str) -> str | None:
    """NUL characters and lone surrogates (not Unicode scalar values, so not UTF-8)."""
    if NUL in value:
        return "contains a NUL character (U+0000)"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (not valid Unicode)"
    return None


def datetime_problem(value: datetime) -> str | None:
    """An instant outside EARLIEST..LATEST (naive values are UTC, as the database reads them)."""
    try:
        instant = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:  # the zone shift itself leaves datetime's range
        instant = None
    if instant is None or not EARLIEST <= instant <= LATEST:
        return "must be between 0001-01-02 and 9998-12-31 (UTC)"
    return None


def key_problem(value: int) -> str | None:
    return None if 0 <= value <= MAX_KEY else "is out of range"


def int32_problem(value: int) -> str | None:
    return None if INT32_MIN <= value <= INT32_MAX else "must be a 32-bit integer"


# Vendor payloads nest a few levels; far deeper is an attack on whatever walks them later.
MAX_JSON_DEPTH = 64


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean(value: object, max_depth: int) -> bool:
    """True when no string of the document has a text problem and it nests no deeper than
    `max_depth`: the common case, checked without building a path for every value (that
    cost more than the rest of reading a vendor record). Anything unusual (a subclass of
    str, dict or list; a key that isn't a str) is left to json_problem's careful walk, which
    answers exactly. Iterative, like json_problem."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str or NUL in key or not (key.isascii() or _utf8(key)):
                    return False
            children = item.values()
        elif kind is list:
            children = item
        elif kind is str:
            children = (item,)
            depth -= 1
        else:
            if isinstance(item, str | dict | list):
                return False
            continue
        if depth >= max_depth:
            return False
        for child in children:
            if type(child) is str:
                if NUL in child or not (child.isascii() or _utf8(child)):
                    return False
            elif isinstance(child, str | dict | list):
                stack.append((child, depth + 1))
    return True


def json_problem(value: object, max_depth: int = MAX_JSON_DEPTH) -> tuple[str, str] | None:
    """The first string (key or value) with a text problem in a parsed JSON document, or a
    nesting deeper than `max_depth`: (path such as "messages[0].body", reason). Iterative, so
    no document is too deep for it."""
    if _clean(value, max_depth):
        return None
    # The careful walk: the first problem in document order, and its path.
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if reason := text_problem(item):
                return path or "body", reason
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                return path or "body", f"nests deeper than {max_depth} levels"
            if isinstance(item, list):
                # Reversed onto the stack: the first problem in document order is found first.
                indexed = reversed(list(enumerate(item)))
                stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in indexed)
                continue
            for key, v in reversed(list(item.items())):
                key_path = f"{path}.{key}" if path else str(key)
                if reason := text_problem(str(key)):
                    return path or "body", f"has a key that {reason}"
                stack.append((v, key_path, depth + 1))
    return None
