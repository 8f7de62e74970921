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
