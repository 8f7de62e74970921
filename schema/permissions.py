"""Authentication per field: every root field needs a key; __typename and introspection don't.
No key is UNAUTHENTICATED; an unknown or revoked one INVALID_API_KEY.
Mutations also need a role: AGENT for ticket work, ADMIN for setup (FORBIDDEN otherwise).
A DISPLAY key (a TV board's) may use only the fields marked BOARD: every other is FORBIDDEN."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission

from app.context import UNAUTHENTICATED_MESSAGE, unauthenticated
from app.domain.enums import Role
from app.domain.errors import ErrorCode

DISPLAY_FORBIDDEN_MESSAGE = (
    "A DISPLAY key reads only queueBoard and subscribes only to queueBoardChanged."
)


def _has_key(info: Any) -> bool:
    context = info.context
    if context.principal is None and context.key_refused:
        raise unauthenticated(key_refused=True)  # its own code, not "no key"
    return context.principal is not None


class IsAuthenticated(BasePermission):
    """Any key but a DISPLAY one (FORBIDDEN: a board's key reads nothing but the board)."""

    message = UNAUTHENTICATED_MESSAGE
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED.value}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        if not _has_key(info):
            return False
        if info.context.principal.is_display:
            raise GraphQLError(
                DISPLAY_FORBIDDEN_MESSAGE, extensions={"code": ErrorCode.FORBIDDEN.value}
            )
        return True


class IsBoardReader(BasePermission):
    """Any key, DISPLAY keys included: the queue board's fields (app/floor)."""

    message = UNAUTHENTICATED_MESSAGE
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED.value}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return _has_key(info)


AUTHENTICATED: list[type[BasePermission]] = [IsAuthenticated]
BOARD: list[type[BasePermission]] = [IsBoardReader]


class _HasRole(BasePermission):
    """A key whose role is at least `needed`; listed after IsAuthenticated (no key is
    UNAUTHENTICATED, a weaker role is FORBIDDEN). Checked before the resolver: nothing runs."""

    needed: Role
    error_extensions = {"code": ErrorCode.FORBIDDEN.value}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.can(self.needed)


class IsAgent(_HasRole):
    needed = Role.AGENT
    message = "This API key may only read: changing tickets needs an agent or admin key."


class IsAdmin(_HasRole):
    needed = Role.ADMIN
    message = "Setting up a workspace needs an admin key."


AGENT: list[type[BasePermission]] = [IsAuthenticated, IsAgent]
ADMIN: list[type[BasePermission]] = [IsAuthenticated, IsAdmin]
