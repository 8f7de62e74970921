"""Queue floor test helpers: lines, tickets and calls through the API, display keys."""

from __future__ import annotations

from typing import Any

from tests.app_fixtures import GraphQLClient

CREATE_LINE = """mutation NewLine($name: String!) {
  createLine(input: {name: $name}) { line { id } errors { code } } }"""
CREATE_TICKET = """mutation Arrive($line: ID!, $first: String, $last: String, $phone: String,
  $email: String) {
  createQueueTicket(input: {lineId: $line, firstName: $first, lastName: $last,
    phoneNumber: $phone, email: $email}) {
    ticket { id ... on QueueTicket { publicId } } errors { code } } }"""
CALL_NEXT = """mutation Next($lines: [ID!]!, $desk: Int) {
  callNextTicket(input: {lineIds: $lines, desk: $desk}) {
    ticket { id ... on QueueTicket { publicId desk } } errors { code } } }"""
SERVE = """mutation Done($id: ID!) { markTicketServed(input: {id: $id}) { errors { code } } }"""
NO_SHOW = """mutation Gone($id: ID!) { markTicketNoShow(input: {id: $id}) { errors { code } } }"""
CREATE_KEY = """mutation BoardKey($role: Role!, $lines: [ID!]) {
  createApiKey(input: {role: $role, name: "lobby", lineIds: $lines}) {
    key apiKey { id role lineIds } errors { code field } } }"""


async def line(gql: GraphQLClient, key: str, name: str = "Pharmacy") -> str:
    answer = await gql(CREATE_LINE, {"name": name}, key=key)
    return str(answer["data"]["createLine"]["line"]["id"])


async def ticket(gql: GraphQLClient, key: str, line_id: str, **names: Any) -> dict[str, Any]:
    answer = await gql(CREATE_TICKET, {"line": line_id, **names}, key=key)
    assert answer["data"]["createQueueTicket"]["errors"] == [], answer
    return answer["data"]["createQueueTicket"]["ticket"]  # type: ignore[no-any-return]


async def call_next(gql: GraphQLClient, key: str, lines: list[str], desk: int) -> dict[str, Any]:
    answer = await gql(CALL_NEXT, {"lines": lines, "desk": desk}, key=key)
    assert answer["data"]["callNextTicket"]["errors"] == [], answer
    return answer["data"]["callNextTicket"]["ticket"]  # type: ignore[no-any-return]


async def display_key(gql: GraphQLClient, admin_key: str, lines: list[str]) -> str:
    answer = await gql(CREATE_KEY, {"role": "DISPLAY", "lines": lines}, key=admin_key)
    created = answer["data"]["createApiKey"]
    assert created["errors"] == [], answer
    return str(created["key"])
