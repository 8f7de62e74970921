"""uvicorn's HTTP protocol with a deadline for request headers (TICKETGW_HEADER_TIMEOUT).

uvicorn has none: a connection that sends nothing, or trickles its headers a byte at a time,
stays open for as long as it likes (its keep-alive timeout is armed only after a response, and
any byte disarms it). Here a connection waiting for a request's headers is closed once the
deadline passes: counted from the connection's start, and from the end of each response for
the next request on a kept-alive connection. Headers that are complete disarm it; a body has
its own deadline (app.http.body_deadline), and an upgraded WebSocket is left alone.

Within the deadline, headers are also capped in size: h11 stops at uvicorn's
`h11_max_incomplete_event_size` (16 KiB), but httptools, which uvicorn prefers, took 16 MB of
headers without a word. The same cap applies to both: past it the answer is 431, and the
connection closes.

`ticketgw serve` runs uvicorn with `http="app.http.header_deadline:HeaderDeadlineProtocol"`:
a string, so that worker processes import it themselves and read their settings there.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

from app.config import Settings

if TYPE_CHECKING:
    # uvicorn types AutoHTTPProtocol as `type[asyncio.Protocol]`; it is h11's protocol or
    # httptools' (the same methods and attributes): mypy checks the mixin against h11's.
    from uvicorn.protocols.http.h11_impl import H11Protocol as AutoHTTPProtocol

    _MixinBase = AutoHTTPProtocol
else:
    from uvicorn.protocols.http.auto import AutoHTTPProtocol  # httptools when installed, else h11

    _MixinBase = object

MAX_HEADERS = 16 * 1024  # h11's default, which uvicorn keeps when not told otherwise
HEADERS_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-length: 0\r\nconnection: close\r\n\r\n"
)


@functools.cache
def header_timeout() -> float:
    return Settings.from_env().header_timeout


class HeaderDeadline(_MixinBase):
    """Mixed into one of uvicorn's HTTP protocols (both keep `cycle` and `transport`, and call
    `on_response_complete`)."""

    transport: asyncio.Transport
    config: Any  # uvicorn.Config
    cycle: Any  # the request being answered; a new one once a request's headers are complete
    _awaiting_headers = False
    _header_timer: asyncio.TimerHandle | None = None
    _header_bytes = 0
    _cycle_seen: Any = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's: a Transport, not BaseTransport
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers:
            room = (self.config.h11_max_incomplete_event_size or MAX_HEADERS) - self._header_bytes
            # Past the cap with no blank line (the end of the headers) within it: too large.
            if len(data) > room and b"\r\n\r\n" not in data[: room + 4]:
                self._refuse_headers()
                return
            self._header_bytes += len(data)
        super().data_received(data)
        if self.cycle is not self._cycle_seen or self.transport.get_protocol() is not self:
            self._cycle_seen = self.cycle  # headers complete (or upgraded to a WebSocket)
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request's headers, unless it arrived already (pipelined) and is running.
        if not self.transport.is_closing() and self._idle():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._awaiting_headers = True
        if (timeout := header_timeout()) > 0:
            loop = asyncio.get_running_loop()
            self._header_timer = loop.call_later(timeout, self._headers_late)

    def _disarm(self) -> None:
        self._awaiting_headers, self._header_bytes = False, 0
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _refuse_headers(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(HEADERS_TOO_LARGE)
            self.transport.close()

    def _idle(self) -> bool:
        return self.cycle is None or bool(self.cycle.response_complete)

    def _headers_late(self) -> None:
        self._header_timer = None
        upgraded = self.transport.get_protocol() is not self
        if self._idle() and not upgraded and not self.transport.is_closing():
            self.transport.close()


class HeaderDeadlineProtocol(HeaderDeadline, AutoHTTPProtocol):
    pass
