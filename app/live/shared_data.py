"""One subscription result sent to many subscribers: its JSON is made once, by the first socket
that sends it (app/http/websocket/limits.py), and reused by the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class SharedData(dict[str, Any]):
    """A result's data shared by every subscriber it goes to, with its JSON made once."""

    __slots__ = ("_json",)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self._json: str | bytes | None = None

    def encoded(self, encode: Callable[[Any], str | bytes]) -> str | bytes:
        if self._json is None:
            self._json = encode(dict(self))
        return self._json
