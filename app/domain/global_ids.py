"""Global IDs as clients see them: opaque base64 of "TypeName:pk" (decoding lives in schema/)."""

from __future__ import annotations

import base64

TICKET = "Ticket"  # both kinds of ticket share it


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()
