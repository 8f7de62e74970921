"""GraphQL errors with a machine-readable `extensions.code` (codes from app.domain.errors)."""

from __future__ import annotations

from graphql import GraphQLError

from app.domain.errors import DomainError, ErrorCode


def graphql_error(code: ErrorCode, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


def bad_user_input(message: str) -> GraphQLError:
    return graphql_error(ErrorCode.BAD_USER_INPUT, message)


def from_domain(error: DomainError) -> GraphQLError:
    """A refused read (bad cursor, expired cursor) as a top-level GraphQL error."""
    extensions: dict[str, object] = {"code": error.code.value}
    if error.field:
        extensions["field"] = error.field
    return GraphQLError(error.message, extensions=extensions)


MAX_PAGE = 100


def page_size_ok(value: int | None, maximum: int = MAX_PAGE) -> bool:
    return value is None or 1 <= value <= maximum


def check_page_size(value: int | None, argument: str, maximum: int = MAX_PAGE) -> None:
    if not page_size_ok(value, maximum):
        raise bad_user_input(f"'{argument}' must be between 1 and {maximum}.")
