"""Response bodies: orjson where it can, the standard library where it refuses, and through the
app a JSON scalar orjson cannot write still arrives whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.http.json_body import json_bytes
from schema.ids import encode_id

pytestmark = pytest.mark.anyio

BIG = 2**70  # beyond orjson's 64-bit integers


def stdlib(data: object) -> bytes:
    """What Strawberry's encode_json wrote before."""
    return json.dumps(data, separators=(",", ":")).encode()


def strict_loads(body: bytes) -> object:
    def refuse(token: str) -> object:
        raise ValueError(f"not JSON: {token}")

    return json.loads(body, parse_constant=refuse)


def test_a_result_is_compact_utf8_json_with_the_same_content():
    data = {"data": {"ticket": {"title": "Zoë ✓", "n": 3, "x": 0.00001, "ok": True, "a": None}}}

    body = json_bytes(data)

    expected = '{"data":{"ticket":{"title":"Zoë ✓","n":3,"x":0.00001,"ok":true,"a":null}}}'
    assert body == expected.encode()
    assert strict_loads(body) == strict_loads(stdlib(data)) == data


@pytest.mark.parametrize(
    "data",
    [
        {"data": {"payload": {"id": BIG, "nested": [-BIG]}}},
        {"data": {"name": "half a pair \ud800"}},  # a lone surrogate, as json.loads accepts
        {"data": {"payload": {1: "an int key"}}},
    ],
    ids=["big-int", "lone-surrogate", "int-key"],
)
def test_what_orjson_refuses_is_written_as_before(data):
    assert json_bytes(data) == stdlib(data)


def test_nan_becomes_null_rather_than_a_token_json_parsers_reject():
    assert strict_loads(json_bytes({"data": {"x": float("nan"), "y": float("inf")}})) == {
        "data": {"x": None, "y": None}
    }


def test_a_value_json_cannot_encode_still_fails():
    with pytest.raises(TypeError):
        json_bytes({"data": {"at": datetime(2024, 1, 1, tzinfo=UTC)}})


async def test_a_json_scalar_with_a_big_integer_arrives_whole(gql, key, factory):
    # given
    ticket = await factory.helpdesk_ticket()
    await factory.extra(ticket, "CRM", data={"id": BIG, "name": "Zoë"})

    # when
    result = await gql(
        "query ($id: ID!) { ticket(id: $id) { extra { data } } }",
        {"id": encode_id("Ticket", ticket.id)},
        key=key,
    )

    # then
    assert result == {"data": {"ticket": {"extra": [{"data": {"id": BIG, "name": "Zoë"}}]}}}
