"""createLine, createUser, createTeam (admin keys)."""

from __future__ import annotations

import pytest

from schema.ids import decode_id

pytestmark = pytest.mark.anyio

CREATE_LINE = """
mutation ($input: CreateLineInput!) {
  createLine(input: $input) { line { id name prefix } errors { code message field } }
}
"""
CREATE_USER = """
mutation ($input: CreateUserInput!) {
  createUser(input: $input) {
    user { name firstName lastName email picture } errors { code message field }
  }
}
"""
CREATE_TEAM = """
mutation ($input: CreateTeamInput!) {
  createTeam(input: $input) { team { name } errors { code message field } }
}
"""


async def test_create_line_then_a_ticket_in_it(gql, key):
    result = await gql(CREATE_LINE, {"input": {"name": "billing"}}, key=key)

    line = result["data"]["createLine"]["line"]
    assert result == {
        "data": {
            "createLine": {
                "line": {"id": line["id"], "name": "billing", "prefix": "B"},
                "errors": [],
            }
        }
    }
    assert decode_id(line["id"])[0] == "Line"
    ticket = await gql(
        "mutation ($l: ID!) { createQueueTicket(input: {lineId: $l}) "
        "{ ticket { ... on QueueTicket { publicId } } } }",
        {"l": line["id"]},
        key=key,
    )
    assert ticket == {"data": {"createQueueTicket": {"ticket": {"publicId": "B-1"}}}}


async def test_setup_refusals(gql, key):
    await gql(CREATE_LINE, {"input": {"name": "Main"}}, key=key)
    await gql(CREATE_TEAM, {"input": {"name": "Support"}}, key=key)
    await gql(CREATE_USER, {"input": {"name": "Ada", "email": "ada@example.com"}}, key=key)

    taken_line = await gql(CREATE_LINE, {"input": {"name": "main"}}, key=key)
    bad_prefix = await gql(CREATE_LINE, {"input": {"name": "Side", "prefix": "a-b"}}, key=key)
    taken_team = await gql(CREATE_TEAM, {"input": {"name": "Support"}}, key=key)
    taken_email = await gql(
        CREATE_USER, {"input": {"name": "Ada 2", "email": "ADA@example.com"}}, key=key
    )

    assert taken_line["data"]["createLine"] == {
        "line": None,
        "errors": [
            {"code": "CONFLICT", "message": "A line with this name exists.", "field": "name"}
        ],
    }
    assert bad_prefix["data"]["createLine"] == {
        "line": None,
        "errors": [
            {
                "code": "VALIDATION",
                "message": "A prefix is 1-8 letters or digits.",
                "field": "prefix",
            }
        ],
    }
    assert taken_team["data"]["createTeam"]["errors"][0]["code"] == "CONFLICT"
    assert taken_email["data"]["createUser"] == {
        "user": None,
        "errors": [
            {"code": "CONFLICT", "message": "A user with this email exists.", "field": "email"}
        ],
    }


async def test_create_user_and_team(gql, key):
    user = await gql(
        CREATE_USER,
        {"input": {"name": "Ada Agent", "firstName": "Ada", "lastName": "Agent"}},
        key=key,
    )
    team = await gql(CREATE_TEAM, {"input": {"name": "Billing"}}, key=key)

    assert user == {
        "data": {
            "createUser": {
                "user": {
                    "name": "Ada Agent",
                    "firstName": "Ada",
                    "lastName": "Agent",
                    "email": None,
                    "picture": None,
                },
                "errors": [],
            }
        }
    }
    assert team == {"data": {"createTeam": {"team": {"name": "Billing"}, "errors": []}}}
