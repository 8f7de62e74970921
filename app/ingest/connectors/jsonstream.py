"""Split a stream of JSON into vendor records with bounded memory, no dependency.

Accepted shapes, in any sequence separated by white space: a single object, a JSON array of
objects, NDJSON (one object per line), and list envelopes (an object whose `data` or `items`
member is an array: Gorgias `{"data": [...], "meta": ...}`, Qminder `{"statusCode": 200,
"data": [...]}`). Envelope arrays are streamed element by element, so a file of any size needs
memory for one record at a time.

Every record says where it was: the line it starts on and, inside an array, its 0-based index.
A malformed value is reported there and skipped: the rest of its line at the top level
(NDJSON), the rest of the element inside an array, so one bad element never drops the others.

It is a push parser: `feed(text)` returns the records completed so far, `close()` the rest.
Values are decoded with `json.JSONDecoder.raw_decode`; a value cut by the end of the buffer is
retried once the buffer has doubled (or at the end), which keeps the work linear.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.domain.input_rules import MAX_JSON_DEPTH

_WS = re.compile(r"[ \t\n\r]*")


class NonFinite(float):
    """NaN or Infinity, which are not JSON but which Python's decoder takes. Still a float; its
    own type makes the import's fast JSON encoder (orjson, which would write `null`) leave it
    to `json.dumps`, which writes `NaN` as before (app.db.bulk)."""


_DECODER = json.JSONDecoder(parse_constant=NonFinite)
ENVELOPE_KEYS = ("data", "items")
# A value that is still incomplete past this many characters is refused, not buffered further.
MAX_RECORD_CHARS = 64 * 1024 * 1024
# An object still open past this many characters is streamed member by member (an envelope).
STREAM_OBJECT_CHARS = 1024 * 1024


@dataclass(frozen=True)
class Record:
    """A decoded value and where it starts: line (1-based), array index (0-based) or None.

    `plain`: its text has no escape of a NUL or a surrogate, no lone surrogate and fewer
    brackets than MAX_JSON_DEPTH, so no string in it holds a NUL or a lone surrogate (JSON
    refuses raw control characters in strings) and it cannot nest too deep: what
    input_rules.json_problem looks for cannot be there. Conservative (a bracket or an escape
    inside a string counts too)."""

    value: Any
    line: int
    index: int | None = None
    plain: bool = False


# An escape that may decode to a NUL or to half of a surrogate pair (a whole pair, an emoji
# written as two escapes, counts too: conservative). Other escapes (`\\u00e9`) are harmless.
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _plain(text: str, start: int, end: int) -> bool:
    if _RISKY_ESCAPE.search(text, start, end) is not None:
        return False
    if text.count("{", start, end) + text.count("[", start, end) >= MAX_JSON_DEPTH:
        return False
    span = text[start:end]
    if span.isascii():
        return True
    try:
        span.encode("utf-8")  # fails on a lone surrogate written as such
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Malformed:
    """A value the splitter could not decode; `fatal` means it could not go on after it."""

    reason: str
    line: int = 0
    index: int | None = None
    fatal: bool = False


@dataclass
class _Array:
    index: int = 0  # of the next element


@dataclass
class _Object:
    """An object walked member by member (too big to hold, or malformed somewhere)."""

    line: int
    members: dict[str, Any] = field(default_factory=dict)
    streamed: bool = False  # an envelope array was streamed out of it


class _NeedMore(Exception):
    pass


def _looks_cut(exc: json.JSONDecodeError, length: int) -> bool:
    """Whether a decode error may just be the end of the buffer (else the JSON is malformed)."""
    return exc.pos >= length - 8 or exc.msg.startswith("Unterminated string")


def element_end(text: str, start: int) -> int | None:
    """Where the array element starting at `start` ends: the offset of the `,` or `]` after it
    at its own depth, strings skipped; None when the text ends first."""
    depth, pos, in_string = 0, start, False
    while pos < len(text):
        char = text[pos]
        if in_string:
            if char == "\\":
                pos += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                return pos
            depth -= 1
        elif char == "," and depth == 0:
            return pos
        pos += 1
    return None


class JsonRecordSplitter:
    def __init__(self) -> None:
        self._buf = ""
        self._pos = 0
        self._closed = False
        self._dead = False
        self._retry_at = 0  # don't retry a cut value before the buffer reaches this length
        self._stack: list[_Array | _Object] = []
        self._out: list[Record | Malformed] = []
        self._line, self._counted = 1, 0  # the line number at offset `_counted`

    # ------------------------------------------------------------------ public

    def feed(self, text: str) -> list[Record | Malformed]:
        self._buf += text
        return self._run()

    def close(self) -> list[Record | Malformed]:
        self._closed = True
        out = self._run()
        if not self._dead and (self._stack or self._rest().strip()):
            out.append(
                Malformed("The JSON ends in the middle of a value.", self._line_at(), None, True)
            )
        return out

    # ------------------------------------------------------------------ machinery

    def _rest(self) -> str:
        return self._buf[self._pos :]

    def _line_at(self, pos: int | None = None) -> int:
        """The line of offset `pos` (default: here); offsets asked for never go back."""
        pos = self._pos if pos is None else pos
        if pos > self._counted:
            self._line += self._buf.count("\n", self._counted, pos)
            self._counted = pos
        return self._line

    def _run(self) -> list[Record | Malformed]:
        if len(self._buf) >= self._retry_at or self._closed:
            try:
                while not self._dead:
                    self._step()
            except _NeedMore:
                pass
        if self._pos > 65536 and self._pos > len(self._buf) // 2:
            self._line_at()
            self._buf = self._buf[self._pos :]
            self._retry_at = max(0, self._retry_at - self._pos)
            self._counted -= self._pos
            self._pos = 0
        out, self._out = self._out, []
        return out

    def _skip_ws(self) -> str:
        end = _WS.match(self._buf, self._pos)
        # _WS matches the empty string too: never None (the check is for mypy, and cheap).
        self._pos = end.end() if end is not None else self._pos
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

    def _skip_line(self) -> None:
        """Resync at the top level: the next line (NDJSON)."""
        newline = self._buf.find("\n", self._pos)
        if newline < 0:
            if not self._closed:
                raise _NeedMore
            self._pos = len(self._buf)
        else:
            self._pos = newline + 1

    def _step(self) -> None:
        if not self._stack:
            self._top()
        elif isinstance(self._stack[-1], _Array):
            self._array_item(self._stack[-1])
        else:
            self._object_member(self._stack[-1])

    def _top(self) -> None:
        char = self._skip_ws()
        line = self._line_at()
        if char == "[":
            self._pos += 1
            self._stack.append(_Array())
            return
        if char != "{":
            self._out.append(Malformed("Expected a JSON object or array.", line))
            self._skip_line()
            return
        start = self._pos
        try:
            value = self._decode()
        except _NeedMore:
            if len(self._buf) - self._pos < STREAM_OBJECT_CHARS and not self._closed:
                raise
            self._walk_object(line)  # too big to hold whole: member by member
            return
        except json.JSONDecodeError:
            self._walk_object(line)  # find the bad member (an envelope's bad element, maybe)
            return
        self._emit_object(value, line, _plain(self._buf, start, self._pos))

    def _walk_object(self, line: int) -> None:
        self._pos += 1
        self._stack.append(_Object(line))

    def _emit_object(self, value: dict[str, Any], line: int, plain: bool) -> None:
        for key in ENVELOPE_KEYS:
            if isinstance(value.get(key), list):
                for index, item in enumerate(value[key]):
                    self._out.append(Record(item, line, index, plain))  # a part of its text
                return
        self._out.append(Record(value, line, plain=plain))

    def _array_item(self, frame: _Array) -> None:
        char = self._skip_ws()
        if char == "]":
            self._pos += 1
            self._stack.pop()
            return
        if char == ",":
            self._pos += 1
            char = self._skip_ws()
        start, line = self._pos, self._line_at()
        try:
            value = self._decode()
            self._out.append(Record(value, line, frame.index, _plain(self._buf, start, self._pos)))
        except json.JSONDecodeError:
            end = element_end(self._buf, start)
            if end is None:
                if not self._closed:
                    self._pos = start
                    raise _NeedMore from None
                self._out.append(Malformed("Malformed JSON.", line, frame.index, fatal=True))
                self._dead = True
                return
            self._out.append(Malformed("Malformed JSON.", line, frame.index))
            self._pos = end  # at the `,` or `]` after it: the next element goes on from there
        frame.index += 1

    def _object_member(self, frame: _Object) -> None:
        char = self._skip_ws()
        if char == "}":
            self._pos += 1
            self._stack.pop()
            if not frame.streamed:  # no list was streamed: the object itself is the record
                self._out.append(Record(frame.members, frame.line))
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
                frame.streamed = True
                self._stack.append(_Array())
                return
            frame.members[key] = self._decode()
        except _NeedMore:
            self._pos = start  # re-read the whole member when more text has come
            raise
        except json.JSONDecodeError:
            self._out.append(Malformed("Malformed JSON.", frame.line))
            if len(self._stack) > 1:  # an object inside an array we can't resync in
                self._out[-1] = Malformed("Malformed JSON.", frame.line, fatal=True)
                self._dead = True
                return
            self._stack.pop()
            self._skip_line()
