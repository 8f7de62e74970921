"""Query.tickets: every filter, both orders, keyset pages both ways, page-size bounds."""

from __future__ import annotations

import pytest

from schema.ids import encode_id
from tests.factories import at

pytestmark = pytest.mark.anyio

TITLES = """
query ($filter: TicketFilter, $orderBy: TicketOrder) {
  tickets(filter: $filter, orderBy: $orderBy, first: 100) { totalCount nodes { title } }
}
"""

PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  tickets(first: $first, after: $after, last: $last, before: $before,
          orderBy: {field: CREATED_AT, direction: ASC}) {
    totalCount
    edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@pytest.fixture
async def world(factory):
    """Six tickets of both kinds, created a minute apart (t1 oldest)."""
    line, other_line = await factory.line("Main"), await factory.line("Side")
    ada, bob = await factory.user("Ada"), await factory.user("Bob")
    team = await factory.team("Billing")
    vip = await factory.label("vip")
    contact = await factory.contact("Zed Zebra", email="zed@zoo.example")
    t1 = await factory.queue_ticket(
        line, title="t1", first_name="Mary", last_name="Smith", public_id="A-100",
        created_at=at(1), assignee_id=ada.id,
    )  # fmt: skip
    t2 = await factory.queue_ticket(
        other_line, "SERVED", title="t2", email="x@Example.com", created_at=at(2),
        origin_system="QMINDER", updated_at=at(10),
    )  # fmt: skip
    t3 = await factory.helpdesk_ticket(
        title="t3", subject="Broken PRINTER", created_at=at(3), team_id=team.id,
        contact_id=contact.id,
    )  # fmt: skip
    t4 = await factory.helpdesk_ticket(
        "SNOOZED", title="t4", summary="100% sure", created_at=at(4), assignee_id=bob.id,
        origin_system="GORGIAS",
    )  # fmt: skip
    await factory.helpdesk_ticket(title="t5", spam=True, created_at=at(5))
    await factory.helpdesk_ticket(title="t6", trashed_at=at(6), created_at=at(6))
    await factory.tag(t3, vip)
    await factory.tag(t1, vip)
    return {
        "line": line, "ada": ada, "bob": bob, "team": team, "tickets": (t1, t2, t3, t4),
    }  # fmt: skip


def _titles(result):
    assert "errors" not in result, result
    return [node["title"] for node in result["data"]["tickets"]["nodes"]]


CASES = [
    ({}, ["t4", "t3", "t2", "t1"]),
    ({"kinds": ["QUEUE"]}, ["t2", "t1"]),
    ({"states": ["OPEN", "PENDING"]}, ["t4", "t3", "t1"]),
    ({"queueStatuses": ["SERVED"]}, ["t2"]),
    ({"helpdeskStatuses": ["SNOOZED"]}, ["t4"]),
    ({"queueStatuses": ["NEW"], "helpdeskStatuses": ["OPEN"]}, ["t3", "t1"]),
    ({"labelNames": ["vip", "nope"]}, ["t3", "t1"]),
    ({"origins": ["QMINDER", "GORGIAS"]}, ["t4", "t2"]),
    ({"search": "mary smith"}, ["t1"]),
    ({"search": "SMITH"}, ["t1"]),
    ({"search": "printer"}, ["t3"]),
    ({"search": "100%"}, ["t4"]),
    ({"search": "a-100"}, ["t1"]),
    ({"search": "example.COM"}, ["t2"]),
    ({"search": "zebra"}, ["t3"]),
    ({"search": "zoo.example"}, ["t3"]),
    ({"createdAfter": "2024-05-01T09:02:00+00:00"}, ["t4", "t3", "t2"]),
    ({"createdBefore": "2024-05-01T09:02:00+00:00"}, ["t1"]),
    ({"includeRemoved": True}, ["t6", "t5", "t4", "t3", "t2", "t1"]),
    ({"includeRemoved": True, "states": ["CANCELLED"]}, ["t6", "t5"]),
]


@pytest.mark.parametrize(("filter_", "expected"), CASES)
async def test_filters(gql, key, world, filter_, expected):
    result = await gql(TITLES, {"filter": filter_}, key=key)
    assert _titles(result) == expected
    assert result["data"]["tickets"]["totalCount"] == len(expected)


async def test_id_filters(gql, key, world):
    # given
    cases = [
        ({"lineIds": [encode_id("Line", world["line"].id)]}, ["t1"]),
        ({"assigneeIds": [encode_id("User", world["ada"].id), encode_id("User", world["bob"].id)]},
         ["t4", "t1"]),
        ({"teamIds": [encode_id("Team", world["team"].id)]}, ["t3"]),
    ]  # fmt: skip
    for filter_, expected in cases:
        # when
        result = await gql(TITLES, {"filter": filter_}, key=key)
        # then
        assert _titles(result) == expected


async def test_id_filter_of_the_wrong_type_is_bad_user_input(gql, key, world):
    result = await gql(TITLES, {"filter": {"lineIds": [encode_id("User", 1)]}}, key=key)
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "lineIds"}
    assert result["errors"][0]["message"] == "'lineIds' must be a Line ID."


async def test_orderings(gql, key, world):
    cases = [
        ({"field": "CREATED_AT", "direction": "ASC"}, ["t1", "t2", "t3", "t4"]),
        ({"field": "CREATED_AT", "direction": "DESC"}, ["t4", "t3", "t2", "t1"]),
        ({"field": "UPDATED_AT", "direction": "DESC"}, ["t2", "t4", "t3", "t1"]),
        ({"field": "UPDATED_AT"}, ["t2", "t4", "t3", "t1"]),
    ]
    for order, expected in cases:
        assert _titles(await gql(TITLES, {"orderBy": order}, key=key)) == expected


def _page(result):
    assert "errors" not in result, result
    conn = result["data"]["tickets"]
    return [e["node"]["title"] for e in conn["edges"]], conn["pageInfo"]


async def test_forward_pages_are_stable_under_inserts(gql, key, factory, world):
    # when: the first page is read, then tickets arrive before and inside the rest
    titles, info = _page(await gql(PAGE, {"first": 2}, key=key))
    await factory.helpdesk_ticket(title="early", created_at=at(0))
    await factory.helpdesk_ticket(title="late", created_at=at(3.5))
    rest, rest_info = _page(await gql(PAGE, {"first": 10, "after": info["endCursor"]}, key=key))

    # then: nothing repeated or skipped; the new ticket after the cursor is seen, not the early
    assert (titles, info["hasNextPage"], info["hasPreviousPage"]) == (["t1", "t2"], True, False)
    assert rest == ["t3", "late", "t4"]
    assert (rest_info["hasNextPage"], rest_info["hasPreviousPage"]) == (False, True)


async def test_backward_pages(gql, key, world):
    # when
    titles, info = _page(await gql(PAGE, {"last": 3}, key=key))
    before, before_info = _page(
        await gql(PAGE, {"last": 3, "before": info["startCursor"]}, key=key)
    )

    # then
    assert (titles, info["hasPreviousPage"], info["hasNextPage"]) == (
        ["t2", "t3", "t4"],
        True,
        False,
    )
    assert (before, before_info["hasPreviousPage"], before_info["hasNextPage"]) == (
        ["t1"],
        False,
        True,
    )


async def test_default_page_is_twenty(gql, key, factory):
    line = await factory.line()
    for minute in range(25):
        await factory.queue_ticket(line, title=f"q{minute}", created_at=at(minute))
    titles, info = _page(await gql(PAGE, {}, key=key))
    assert len(titles) == 20
    assert info["hasNextPage"] is True


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "'first' must be between 1 and 100."),
        ({"first": 101}, "'first' must be between 1 and 100."),
        ({"last": -1}, "'last' must be between 1 and 100."),
        ({"last": 500}, "'last' must be between 1 and 100."),
        ({"first": 2, "last": 2}, "Pass either 'first' or 'last', not both."),
        ({"first": 2, "after": "garbage"}, "The cursor is not valid for this list."),
    ],
)
async def test_page_arguments_are_checked(gql, key, variables, message):
    result = await gql(PAGE, variables, key=key)
    assert result["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        (message, "BAD_USER_INPUT")
    ]


async def test_cursor_of_another_ordering_is_refused(gql, key, world):
    _, info = _page(await gql(PAGE, {"first": 1}, key=key))
    query = "query ($a: String) { tickets(after: $a, orderBy: {field: UPDATED_AT}) { totalCount } }"
    result = await gql(query, {"a": info["endCursor"]}, key=key)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
