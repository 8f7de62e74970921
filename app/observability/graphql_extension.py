"""The Strawberry extension that ties a GraphQL operation to its HTTP request record and
answers the request id in `extensions.requestId`.

Timing, SQL statements and outcome are measured by the request middleware around the whole
request (authentication and serialization included); this only hands it the operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from app.observability.records import current_request


class ObserveOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        record = current_request.get()
        if record is not None and record.execution is None:
            record.execution = self.execution_context
        yield

    def get_results(self) -> dict[str, Any]:
        record = current_request.get()
        # WebSocket operations have no request record: every event would repeat the id.
        return {"requestId": record.request_id} if record is not None else {}
