"""Request bodies as JSON, with every way they can be unreadable named: /graphql (HTTP and
WebSocket messages) and /ingest read them through here.

`json.loads` lets three things escape as errors other than JSONDecodeError: bytes that are not
UTF-8 (UnicodeDecodeError), and nesting deeper than the interpreter's recursion limit allows
(RecursionError, at about 1,000 levels) — each was a bare 500. Here all are `BadJSON`, a
JSONDecodeError, so code that already handles unparsable JSON handles them too.
"""

from __future__ import annotations

import json
from typing import Any


class BadJSON(json.JSONDecodeError):
    """A body that can't be read as JSON; `reason` is a sentence for the client."""

    def __init__(self, reason: str, doc: str = "", pos: int = 0) -> None:
        super().__init__(reason, doc, pos)
        self.reason = reason


def loads(data: str | bytes) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise BadJSON("The body is not valid UTF-8.") from None
    except RecursionError:
        raise BadJSON("The body's JSON is nested too deeply.") from None
    except json.JSONDecodeError as error:
        raise BadJSON("The body is not valid JSON.", error.doc, error.pos) from None
