"""Authentication per field: every root field needs a key; __typename and introspection don't."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from app.context import UNAUTHENTICATED_MESSAGE
from app.domain.errors import ErrorCode


class IsAuthenticated(BasePermission):
    message = UNAUTHENTICATED_MESSAGE
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED.value}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.principal is not None


AUTHENTICATED = [IsAuthenticated]
