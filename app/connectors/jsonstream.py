"""Split a stream of JSON into vendor records with bounded memory, no dependency.

Accepted shapes, in any sequence separated by white space: a single object, a JSON array of
objects, NDJSON (one object per line), and list envelopes (an object whose `data` or `items`
member is an array: Gorgias `{"data": [...], "meta": ...}`, Qminder `{"statusCode": 200,
"data": [...]}`). Envelope arrays are streamed element by element, so a file of any size needs
memory for one record at a time.

It is a push parser: `feed(text)` returns the records completed so far, `close()` the rest.
Values are decoded with `json.JSONDecoder.raw_decode`; a value cut by the end of the buffer is
retried once the buffer has doubled (or at the end), which keeps the work linear.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
ENVELOPE_KEYS = ("data", "items")
# A value that is still incomplete past this many characters is refused, not buffered further.
MAX_RECORD_CHARS = 64 * 1024 * 1024
# An object still open past this many characters is streamed member by member (an envelope).
STREAM_OBJECT_CHARS = 1024 * 1024


@dataclass(frozen=True)
class Malformed:
    """A record position the splitter could not decode; `fatal` means it stopped there."""

    reason: str
    fatal: bool = False


class _NeedMore(Exception):
    pass


def _looks_cut(exc: json.JSONDecodeError, length: int) -> bool:
    """Whether a decode error may just be the end of the buffer (else the JSON is malformed)."""
    return exc.pos >= length - 8 or exc.msg.startswith("Unterminated string")


class JsonRecordSplitter:
    def __init__(self) -> None:
        self._buf = ""
        self._pos = 0
        self._closed = False
        self._dead = False
        self._retry_at = 0  # don't retry a cut value before the buffer reaches this length
        # Stack of contexts: "array" (inside [...]) or ("object", collected members, streamed).
        self._stack: list[Any] = []
        self._out: list[Any] = []

    # ------------------------------------------------------------------ public

    def feed(self, text: str) -> list[Any]:
        self._buf += text
        return self._run()

    def close(self) -> list[Any]:
        self._closed = True
        out = self._run()
        if not self._dead and (self._stack or self._rest().strip()):
            out.append(Malformed("The JSON ends in the middle of a value.", fatal=True))
        return out

    # ------------------------------------------------------------------ machinery

    def _rest(self) -> str:
        return self._buf[self._pos :]

    def _run(self) -> list[Any]:
        if len(self._buf) >= self._retry_at or self._closed:
            try:
                while not self._dead:
                    self._step()
            except _NeedMore:
                pass
        if self._pos > 65536 and self._pos > len(self._buf) // 2:
            self._buf = self._buf[self._pos :]
            self._retry_at = max(0, self._retry_at - self._pos)
            self._pos = 0
        out, self._out = self._out, []
        return out

    def _skip_ws(self) -> str:
        self._pos = _WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
        if self._pos >= len(self._buf):
            raise _NeedMore
        return self._buf[self._pos]

    def _decode(self) -> Any:
        try:
            value, end = _DECODER.raw_decode(self._buf, self._pos)
        except json.JSONDecodeError as exc:
            pending = len(self._buf) - self._pos
            if self._closed or pending > MAX_RECORD_CHARS or not _looks_cut(exc, len(self._buf)):
                raise
            self._retry_at = len(self._buf) + max(pending, 65536)
            raise _NeedMore from None
        # A number at the very end of the buffer may continue in the next chunk.
        if end == len(self._buf) and not self._closed and isinstance(value, int | float):
            raise _NeedMore
        self._retry_at = 0
        self._pos = end
        return value

    def _emit(self, value: Any) -> None:
        self._out.append(value)

    def _fail(self, reason: str, *, resync: bool) -> None:
        """Top level: skip to the next line (NDJSON). Inside an array: stop, we can't resync."""
        if resync and not self._stack:
            self._out.append(Malformed(reason))
            newline = self._buf.find("\n", self._pos)
            if newline < 0:
                if not self._closed:
                    raise _NeedMore
                self._pos = len(self._buf)
            else:
                self._pos = newline + 1
            return
        self._out.append(Malformed(reason, fatal=True))
        self._dead = True

    def _step(self) -> None:
        if not self._stack:
            self._top()
        elif self._stack[-1] == "array":
            self._array_item()
        else:
            self._object_member()

    def _top(self) -> None:
        char = self._skip_ws()
        if char == "[":
            self._pos += 1
            self._stack.append("array")
            return
        if char != "{":
            self._fail("Expected a JSON object or array.", resync=True)
            return
        try:
            value = self._decode()
        except _NeedMore:
            if len(self._buf) - self._pos < STREAM_OBJECT_CHARS and not self._closed:
                raise
            self._pos += 1  # too big to hold whole: walk it member by member
            self._stack.append(["object", {}, False])
            return
        except json.JSONDecodeError:
            self._fail("Malformed JSON.", resync=True)
            return
        self._emit_object(value)

    def _emit_object(self, value: dict[str, Any]) -> None:
        for key in ENVELOPE_KEYS:
            if isinstance(value.get(key), list):
                for item in value[key]:
                    self._emit(item)
                return
        self._emit(value)

    def _array_item(self) -> None:
        char = self._skip_ws()
        if char == "]":
            self._pos += 1
            self._stack.pop()
            return
        if char == ",":
            self._pos += 1
            char = self._skip_ws()
        try:
            self._emit(self._decode())
        except json.JSONDecodeError:
            self._fail("Malformed JSON.", resync=False)

    def _object_member(self) -> None:
        frame = self._stack[-1]
        char = self._skip_ws()
        if char == "}":
            self._pos += 1
            self._stack.pop()
            if not frame[2]:  # no list was streamed: the object itself is the record
                self._emit(frame[1])
            return
        if char == ",":
            self._pos += 1
            char = self._skip_ws()
        start = self._pos
        try:
            key = self._decode()
            if not isinstance(key, str):
                raise json.JSONDecodeError("key", self._buf, start)
            if self._skip_ws() != ":":
                raise json.JSONDecodeError("colon", self._buf, self._pos)
            self._pos += 1
            if self._skip_ws() == "[" and key in ENVELOPE_KEYS:
                self._pos += 1
                frame[2] = True
                self._stack.append("array")
                return
            frame[1][key] = self._decode()
        except _NeedMore:
            self._pos = start  # re-read the whole member when more text has come
            raise
        except json.JSONDecodeError:
            self._fail("Malformed JSON.", resync=False)
