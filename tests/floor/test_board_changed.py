"""Subscription.queueBoardChanged over a real WebSocket: the current board first, a new board
after each change of it (not after changes of other lines), and a resume from a cursor."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.app_fixtures import GraphQLClient
from tests.floor.helpers import call_next, display_key, line, ticket
from tests.subscriptions.client import WsClient
from tests.subscriptions.helpers import wait_live

pytestmark = pytest.mark.anyio

CHANGED = """subscription BoardChanges($after: String) { queueBoardChanged(after: $after) {
  cursor lines { name waitingCount } called { publicId desk } waiting { publicId position } } }"""


async def test_boards_follow_changes_and_resume_from_a_cursor(gateway, key):
    base = gateway.url.replace("ws://", "http://").removesuffix("/graphql")
    async with httpx.AsyncClient(base_url=base) as http:
        gql = GraphQLClient(http)
        mine, other = await line(gql, key, "Mine"), await line(gql, key, "Other")
        first = await ticket(gql, key, mine)
        board_key = await display_key(gql, key, [mine])
        ws = await WsClient.connect(gateway.url, board_key)
        await ws.subscribe(CHANGED)
        [now] = await ws.events(1, "queueBoardChanged")
        assert now["called"] == [] and now["waiting"] == [
            {"publicId": first["publicId"], "position": 1}
        ]
        await wait_live(gateway, 1)

        await ticket(gql, key, other)  # another line: no board
        await call_next(gql, key, [mine], desk=7)
        [after_call] = await ws.events(1, "queueBoardChanged")
        assert after_call["called"] == [{"publicId": first["publicId"], "desk": 7}]
        assert after_call["waiting"] == [] and after_call["cursor"] > now["cursor"]
        await ws.close()

        # Away: one more arrives. Resuming from the last cursor sends a board at once.
        second = await ticket(gql, key, mine)
        ws = await WsClient.connect(gateway.url, board_key)
        await ws.subscribe(CHANGED, after=after_call["cursor"])
        [resumed] = await ws.events(1, "queueBoardChanged")
        assert resumed["waiting"] == [{"publicId": second["publicId"], "position": 1}]
        assert resumed["lines"] == [{"name": "Mine", "waitingCount": 1}]
        await ws.close()

        # Resuming from the newest cursor: nothing changed, so nothing comes.
        ws = await WsClient.connect(gateway.url, board_key)
        await ws.subscribe(CHANGED, after=resumed["cursor"])
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.next_payload(), 1.5)
        await ws.close()


async def test_screens_of_the_same_lines_share_each_board_read(gateway, key, monkeypatch):
    import app.floor.board_feed as board_feed

    reads: list[int] = []
    real = board_feed.read_board

    async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        board = await real(*args, **kwargs)
        reads.append(board.seq)
        return board

    monkeypatch.setattr(board_feed, "read_board", counted)
    base = gateway.url.replace("ws://", "http://").removesuffix("/graphql")
    async with httpx.AsyncClient(base_url=base) as http:
        gql = GraphQLClient(http)
        lobby = await line(gql, key, "Lobby")
        await ticket(gql, key, lobby)
        board_key = await display_key(gql, key, [lobby])
        screens = [await WsClient.connect(gateway.url, board_key) for _ in range(3)]
        for screen in screens:
            await screen.subscribe(CHANGED)
            await screen.events(1, "queueBoardChanged")
        await wait_live(gateway, 3)
        reads.clear()
        await call_next(gql, key, [lobby], desk=2)
        boards = [(await screen.events(1, "queueBoardChanged"))[0] for screen in screens]
        assert {b["cursor"] for b in boards} == {boards[0]["cursor"]}
        assert all(b["called"][0]["desk"] == 2 for b in boards)
        assert len(reads) == 1  # three screens, one read
        for screen in screens:
            await screen.close()


async def test_over_sse_each_board_carries_its_cursor_and_last_event_id_resumes(
    gateway, desk, workspace
):
    from app.domain.cursors import encode_event_cursor
    from schema.ids import encode_id
    from tests.subscriptions.sse_client import http_url, open_stream, take

    lines = [encode_id("Line", desk.line_id)]
    query = """subscription SseBoard($lines: [ID!]) { queueBoardChanged(lineIds: $lines) {
      cursor waiting { position } } }"""
    url = http_url(gateway.url)
    async with open_stream(url, query, workspace.api_key, lines=lines) as stream:
        [first] = await take(stream, 1)
        board = first.data["data"]["queueBoardChanged"]
        assert first.id == board["cursor"] and board["waiting"] == []
        await desk.create()
        [second] = await take(stream, 1)
        assert second.data["data"]["queueBoardChanged"]["waiting"] == [{"position": 1}]
        assert second.id == second.data["data"]["queueBoardChanged"]["cursor"]
    await desk.create()  # while away
    head = encode_event_cursor(await gateway.app.state.feed.latest_seq(workspace.workspace.id))
    async with open_stream(
        url, query, workspace.api_key, last_event_id=second.id, lines=lines
    ) as stream:
        [resumed] = await take(stream, 1)
    board = resumed.data["data"]["queueBoardChanged"]
    assert board["waiting"] == [{"position": 1}, {"position": 2}]
    assert resumed.id == board["cursor"] == head
