"""What the gateway learns about one HTTP request while answering it.

The request middleware opens a RequestRecord in a ContextVar; the GraphQL extension attaches
the operation's execution context to it; the middleware reads both when the response is sent
(the result, its extensions and errors are final only then).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from app.observability.metrics import operation_label

REQUEST_ID_HEADER = "x-request-id"
# An incoming id is reused when it is a plausible id; anything else is replaced, never echoed.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(incoming: str | None) -> str:
    if incoming and _VALID_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


@dataclass
class RequestRecord:
    request_id: str
    execution: Any = None  # strawberry's ExecutionContext of the request's operation

    @property
    def executed(self) -> bool:
        return self.execution is not None

    @property
    def operation(self) -> str:
        """The metric label of the operation's name (see metrics.operation_label)."""
        name = getattr(self.execution, "operation_name", None) if self.executed else None
        return operation_label(name)

    @property
    def operation_name(self) -> str | None:
        name = getattr(self.execution, "operation_name", None) if self.executed else None
        return name[:100] if isinstance(name, str) else None

    @property
    def operation_type(self) -> str | None:
        try:  # the property parses the document, which may be invalid
            kind = self.execution.operation_type if self.executed else None
        except Exception:
            return None
        return getattr(kind, "value", None)

    @property
    def outcome(self) -> str:
        """ok: no errors; error: errors in the result; rejected: no GraphQL result at all."""
        result = getattr(self.execution, "result", None) if self.executed else None
        if result is None:
            return "rejected"
        return "error" if result.errors else "ok"

    @property
    def cost(self) -> Any:
        result = getattr(self.execution, "result", None) if self.executed else None
        extensions = getattr(result, "extensions", None) or {}
        return extensions.get("cost")

    @property
    def workspace_id(self) -> int | None:
        context = getattr(self.execution, "context", None) if self.executed else None
        principal = getattr(context, "principal", None)
        return getattr(principal, "workspace_id", None)


current_request: ContextVar[RequestRecord | None] = ContextVar("current_request", default=None)
