"""The shape a WebSocket message must have before Strawberry's handlers read it.

They index messages as the protocols describe them: a message that is a list, a payload that
is a string, a query that is a number or an operationName that is a list failed inside the
handler (an "Exception in ASGI application" that killed the socket, or INTERNAL_SERVER_ERROR).
Both protocols (graphql-transport-ws and the legacy graphql-ws) ask the same of a message.
"""

from __future__ import annotations

from typing import Any

OPERATION_TYPES = frozenset({"subscribe", "start"})  # graphql-transport-ws, graphql-ws
ENDING_TYPES = frozenset({"complete", "stop"})
# Payload fields of an operation and the JSON types each may have (None: absent or null).
PAYLOAD_FIELDS: dict[str, type] = {
    "query": str,
    "operationName": str,
    "variables": dict,
    "extensions": dict,
}


def message_problem(message: Any) -> str | None:
    """Why a message can't be read as one of the protocol's messages, or None."""
    if not isinstance(message, dict):
        return "A message must be a JSON object."
    kind = message.get("type")
    if not isinstance(kind, str):
        return "A message needs a 'type' string."
    if kind in OPERATION_TYPES | ENDING_TYPES and not isinstance(message.get("id"), str):
        return f"A '{kind}' message needs an 'id' string."
    if kind in OPERATION_TYPES:
        payload = message.get("payload")
        if not isinstance(payload, dict):
            return f"A '{kind}' message needs a 'payload' object."
        for name, expected in PAYLOAD_FIELDS.items():
            value = payload.get(name)
            if value is not None and not isinstance(value, expected):
                kind_name = "a string" if expected is str else "an object"
                return f"The payload's '{name}' must be {kind_name}."
        # graphql-transport-ws may name a trusted document instead (app.http.websocket.limits).
        if kind == "start" and not isinstance(payload.get("query"), str):
            return "A 'start' message needs a 'query' string."
    return None
