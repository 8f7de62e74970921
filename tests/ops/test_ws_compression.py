"""`ticketgw serve` refuses permessage-deflate unless TICKETGW_WS_COMPRESSION asks for it:
compressing is per socket and per message, the largest cost of fan-out once results are shared
(docs/event-log.md)."""

from __future__ import annotations

import pytest
import websockets

from tests.ops.served import Served

pytestmark = pytest.mark.anyio


async def _extensions(served: Served) -> str | None:
    url = served.url.replace("http://", "ws://") + "/graphql"
    # the client offers permessage-deflate, as browsers do
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        return ws.response.headers.get("Sec-WebSocket-Extensions")


@pytest.mark.parametrize(("setting", "compressed"), [(None, False), ("true", True)])
async def test_compression_only_when_asked(database_url, tmp_path, setting, compressed):
    env = {} if setting is None else {"TICKETGW_WS_COMPRESSION": setting}
    served = await Served(database_url, tmp_path / "serve.log", **env).start()
    try:
        extensions = await _extensions(served)
    finally:
        await served.stop()
    assert ("permessage-deflate" in (extensions or "")) is compressed
