"""A graphql-transport-ws subscription as the feed's fan-out writes to it (app/live/fanout.py).

The group hands it a shared result's data; it makes the `next` message the handler would send
for that result (the same text: `encoded_result` in limits.py builds it from the same prefix)
and sends it on the handler's socket. It takes no frame once the operation is completed (the
client's `complete`, or the handler's own) or the socket is closing after an outage.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from app.live.shared_data import SharedData

if TYPE_CHECKING:
    from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

    from app.http.websocket.limits import LimitedTransportWSHandler


def next_frame_prefix(op_id: Any, kind: str, encode: Callable[[Any], str | bytes]) -> str | None:
    """The text of a result message for this operation up to its data, encoded the view's
    way: the data's JSON and `}}` complete it. None when the encoding isn't text of that shape."""
    frame = encode({"id": op_id, "type": kind, "payload": {"data": None}})
    if isinstance(frame, bytes) or not frame.endswith("null}}"):
        return None
    return frame[:-6]


class DirectOperation:
    __slots__ = ("_handler", "_operation", "_prefix")

    def __init__(self, handler: LimitedTransportWSHandler, operation: Operation[Any, None]) -> None:
        self._handler = handler
        self._operation = operation
        self._prefix: str | None = None

    def is_open(self) -> bool:
        handler, operation = self._handler, self._operation
        return (
            not handler._closed_for_outage
            and not operation.completed
            and handler.operations.get(operation.id) is operation
        )

    def frame(self, data: SharedData) -> str | None:
        encode = self._handler.view.encode_json
        if self._prefix is None:
            self._prefix = next_frame_prefix(self._operation.id, "next", encode)
        shared = data.encoded(encode)
        if self._prefix is None or isinstance(shared, bytes):
            return None
        return f"{self._prefix}{shared}}}}}"

    def send(self, frame: str) -> Coroutine[Any, Any, None]:
        return self._handler.websocket.send_encoded(frame)
