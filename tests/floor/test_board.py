"""Query.queueBoard through the real app: called tickets with their desk, the waiting list
with positions, per-line counts, and nothing that names a visitor beyond "Mari T."."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.util import await_only

from schema.ids import encode_id
from tests.floor.helpers import call_next, display_key, line, ticket

pytestmark = pytest.mark.anyio

BOARD = """query Board($lines: [ID!]) { queueBoard(lineIds: $lines) {
  cursor
  lines { id name waitingCount estimatedWaitSeconds }
  called { id publicId number displayName desk calledAt position estimatedCallAt line { id } }
  waiting { id publicId displayName desk calledAt position line { name } }
} }"""


async def test_board_shows_calls_with_desks_and_the_waiting_list(gql, key):
    pharmacy, counter = await line(gql, key, "Pharmacy"), await line(gql, key, "Counter")
    mari = await ticket(
        gql, key, pharmacy, first="Mari", last="Tamm", phone="+3725550000", email="m@x.ee"
    )
    await ticket(gql, key, pharmacy, first="Jaan", last="kask")
    await ticket(gql, key, counter, first="Other", last="Line")
    await ticket(gql, key, pharmacy)
    called = await call_next(gql, key, [pharmacy], desk=4)
    assert called["id"] == mari["id"]

    shown = await gql(BOARD, {"lines": [pharmacy]}, key=await display_key(gql, key, [pharmacy]))
    assert "errors" not in shown, shown
    board = shown["data"]["queueBoard"]
    assert board["lines"] == [
        {"id": pharmacy, "name": "Pharmacy", "waitingCount": 2, "estimatedWaitSeconds": None}
    ]
    [call] = board["called"]
    assert (call["id"], call["publicId"], call["displayName"], call["desk"]) == (
        mari["id"], mari["publicId"], "Mari T.", 4,
    )  # fmt: skip
    assert call["calledAt"] is not None and call["position"] is None
    assert call["line"] == {"id": pharmacy}
    assert [(w["displayName"], w["position"], w["desk"]) for w in board["waiting"]] == [
        ("Jaan K.", 1, None),
        (None, 2, None),
    ]
    text = json.dumps(board)
    for secret in ("Tamm", "kask", "+3725550000", "m@x.ee", "Other"):
        assert secret not in text


async def test_a_call_committed_during_a_board_read_is_on_it_wholly_or_not_at_all(app, gql, key):
    """The call commits after the board has read its called list and before its waiting list:
    the board still shows the ticket exactly once (both lists come from one snapshot)."""
    pharmacy = await line(gql, key, "Pharmacy")
    waiting = await ticket(gql, key, pharmacy)
    board_key = await display_key(gql, key, [pharmacy])
    calls: list[dict[str, Any]] = []

    def call_before_the_waiting_list(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if "board_waiting" in statement and not calls:
            calls.append(await_only(call_next(gql, key, [pharmacy], desk=2)))

    engine = app.state.env.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", call_before_the_waiting_list)
    try:
        shown = await gql(BOARD, key=board_key)
    finally:
        event.remove(engine, "before_cursor_execute", call_before_the_waiting_list)
    assert [call["id"] for call in calls] == [waiting["id"]]  # it did commit mid-read
    board = shown["data"]["queueBoard"]
    assert [(t["id"], t["position"]) for t in board["called"] + board["waiting"]] == [
        (waiting["id"], 1)
    ]  # as it was when the read began: waiting, first
    again = (await gql(BOARD, key=board_key))["data"]["queueBoard"]
    assert [(t["id"], t["desk"]) for t in again["called"]] == [(waiting["id"], 2)]
    assert again["waiting"] == [] and again["cursor"] > board["cursor"]


async def test_a_display_key_sees_only_its_lines(gql, key):
    mine, other = await line(gql, key, "Mine"), await line(gql, key, "Other")
    await ticket(gql, key, other, first="Hidden")
    display = await display_key(gql, key, [mine])

    own = await gql(BOARD, key=display)  # null lineIds: the key's own lines
    assert [entry["id"] for entry in own["data"]["queueBoard"]["lines"]] == [mine]
    assert own["data"]["queueBoard"]["waiting"] == []
    refused = await gql(BOARD, {"lines": [mine, other]}, key=display)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "lineIds"}


async def test_other_keys_see_every_line_and_bad_line_ids_are_refused(gql, key, read_key):
    first, second = await line(gql, key, "First"), await line(gql, key, "Second")
    every = await gql(BOARD, key=read_key)
    assert [entry["id"] for entry in every["data"]["queueBoard"]["lines"]] == [first, second]
    malformed = await gql(BOARD, {"lines": ["nope"]}, key=read_key)
    assert malformed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    gone = await gql(BOARD, {"lines": [encode_id("Line", 2**31 - 1)]}, key=read_key)
    assert gone["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "lineIds"}


async def test_display_keys_need_lines_and_other_roles_take_none(gql, key):
    from tests.floor.helpers import CREATE_KEY

    pharmacy = await line(gql, key)
    no_lines = await gql(CREATE_KEY, {"role": "DISPLAY", "lines": None}, key=key)
    assert no_lines["data"]["createApiKey"]["errors"] == [
        {"code": "VALIDATION", "field": "lineIds"}
    ]
    reader = await gql(CREATE_KEY, {"role": "READ", "lines": [pharmacy]}, key=key)
    assert reader["data"]["createApiKey"]["errors"] == [{"code": "VALIDATION", "field": "lineIds"}]
    made = await gql(CREATE_KEY, {"role": "DISPLAY", "lines": [pharmacy]}, key=key)
    assert made["data"]["createApiKey"]["apiKey"]["lineIds"] == [pharmacy]
    assert made["data"]["createApiKey"]["apiKey"]["role"] == "DISPLAY"
