"""Domain errors: one code enum shared by services, GraphQL payloads and HTTP answers."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    VALIDATION = "VALIDATION"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"  # no API key
    INVALID_API_KEY = "INVALID_API_KEY"  # a key that is unknown or revoked
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CURSOR_EXPIRED = "CURSOR_EXPIRED"
    # A dependency (database, broker) could not do its part; the same request may succeed later.
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # A statement ran past TICKETGW_STATEMENT_TIMEOUT and was cancelled.
    TIMEOUT = "TIMEOUT"


class DomainError(Exception):
    """A refused command. The message is stable text: it never echoes the input."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def not_found(what: str, field: str | None = "id") -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found.", field)


def invalid_transition(action: str, status: str) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_TRANSITION, f"Cannot {action} a ticket whose status is {status}.", None
    )


def validation(message: str, field: str | None) -> DomainError:
    return DomainError(ErrorCode.VALIDATION, message, field)


# Seconds a client is asked to wait before it tries again after an outage (Retry-After).
RETRY_AFTER_SECONDS = 2


class Unavailable(Exception):
    """The database or the broker failed to answer (down, restarting, or too slow): nothing the
    caller sent is at fault, and the same request may succeed later. The one error the rest of
    the code sees for every such driver error (app/outages.py translates them)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def service_unavailable() -> Unavailable:
    return Unavailable(
        ErrorCode.SERVICE_UNAVAILABLE,
        "The service is unavailable for a moment (a dependency is down); try again shortly.",
    )


def statement_timeout() -> Unavailable:
    return Unavailable(
        ErrorCode.TIMEOUT,
        "A database statement ran past the statement timeout and was stopped; try again, "
        "or ask for less.",
    )


# The codes of Unavailable: a client (or a subscription) may retry what failed with one of them.
RETRYABLE_CODES = frozenset({ErrorCode.SERVICE_UNAVAILABLE.value, ErrorCode.TIMEOUT.value})
