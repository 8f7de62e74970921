"""What a ticket search term may be.

The search indexes are trigram indexes (pg_trgm on PostgreSQL, FTS5's trigram tokenizer on
SQLite): a term of fewer than three characters has no trigram to look up, so it would read
every row, and a very long one makes a pattern that is costly to match. Both are refused.
"""

from __future__ import annotations

from app.domain.errors import DomainError, ErrorCode

MIN_SEARCH_LENGTH = 3
MAX_SEARCH_LENGTH = 200


def search_term(raw: str | None, field: str = "search") -> str | None:
    """The term to look for (trimmed), None for no search; DomainError when out of bounds."""
    term = (raw or "").strip()
    if not term:
        return None
    if len(term) < MIN_SEARCH_LENGTH:
        raise DomainError(
            ErrorCode.BAD_USER_INPUT,
            f"'{field}' needs at least {MIN_SEARCH_LENGTH} characters.",
            field,
        )
    if len(term) > MAX_SEARCH_LENGTH:
        raise DomainError(
            ErrorCode.BAD_USER_INPUT,
            f"'{field}' may have at most {MAX_SEARCH_LENGTH} characters.",
            field,
        )
    return term
