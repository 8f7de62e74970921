"""TicketFilter.search on both databases: what matches, what is refused, and that the search
index follows every write (mutations here; triggers keep it, so direct writes too)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from app.db import Contact, Message, Ticket
from schema.ids import encode_id
from tests.factories import at

pytestmark = pytest.mark.anyio

SEARCH = """
query ($search: String) {
  tickets(first: 100, filter: {search: $search}) { totalCount totalCountIsExact nodes { title } }
}
"""


@pytest.fixture
async def world(factory):
    line = await factory.line("Main")
    zola = await factory.contact("Émile Zola", email="emile@zola.example")
    await factory.queue_ticket(line, title="smith", first_name="Bob", last_name="Blacksmith",
                               created_at=at(1))  # fmt: skip
    await factory.queue_ticket(line, title="full name", first_name="Mary", last_name="Smith",
                               public_id="B-7", created_at=at(2))  # fmt: skip
    percent = await factory.helpdesk_ticket(title="percent", subject="100% sure", created_at=at(3))
    await factory.helpdesk_ticket(title="no percent", subject="1000 sure", created_at=at(4))
    await factory.helpdesk_ticket(title="underscore", summary="snake_case it", created_at=at(5))
    await factory.helpdesk_ticket(title="no underscore", summary="snakeXcase it", created_at=at(6))
    await factory.helpdesk_ticket(title="backslash", subject=r"C:\temp\x", created_at=at(7))
    await factory.helpdesk_ticket(title="no backslash", subject="C:tempx", created_at=at(8))
    await factory.helpdesk_ticket(title="contact", contact_id=zola.id, created_at=at(9))
    await factory.message(percent, "The printer on floor three is on fire")
    return {"line": line, "percent": percent, "zola": zola}


async def _titles(gql, key, term):  # type: ignore[no-untyped-def]
    result = await gql(SEARCH, {"search": term}, key=key)
    assert "errors" not in result, result
    tickets = result["data"]["tickets"]
    assert tickets["totalCount"] == len(tickets["nodes"]) and tickets["totalCountIsExact"]
    return sorted(node["title"] for node in tickets["nodes"])


CASES = [
    ("acksmi", ["smith"]),  # a substring inside a word
    ("SMITH", ["full name", "smith"]),  # case: any
    ("mary smith", ["full name"]),  # the full name "first last"
    ("b-7", ["full name"]),  # public id
    ("on fire", ["percent"]),  # a message body
    ("mile zo", ["contact"]),  # the contact's name
    ("émile", ["contact"]),  # case folding covers non-ASCII letters ("Émile")
    ("emile zola", []),  # accents count: "e" is not "é"
    ("@zola.exam", ["contact"]),  # the contact's email
    ("100%", ["percent"]),  # LIKE metacharacters match themselves
    ("e_c", ["underscore"]),
    (r"C:\temp", ["backslash"]),
    ("%_%", []),
    ('"quoted"', []),  # FTS5 syntax is text too
    ("   ", ["backslash", "contact", "full name", "no backslash", "no percent",
            "no underscore", "percent", "smith", "underscore"]),  # blank: no search
]  # fmt: skip


@pytest.mark.parametrize(("term", "expected"), CASES)
async def test_search_matches_substrings(gql, key, world, term, expected):
    assert await _titles(gql, key, term) == expected


async def test_search_stays_inside_the_workspace(gql, key, world, make_workspace, db):
    from tests.factories import Factory

    other = await make_workspace("Other")
    await Factory(db, other.workspace.id).helpdesk_ticket(title="theirs", subject="Blacksmith")
    assert await _titles(gql, key, "blacksmith") == ["smith"]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("ab", "'search' needs at least 3 characters."),
        ("x" * 201, "'search' may have at most 200 characters."),
        ("%_" * 450_000, "'search' may have at most 200 characters."),  # 900 KB
    ],
)
async def test_search_out_of_bounds_is_bad_user_input(gql, key, world, term, message):
    result = await gql(SEARCH, {"search": term}, key=key)
    assert result["data"] is None
    assert result["errors"] == [
        {
            "message": message,
            "locations": [{"line": 3, "column": 3}],
            "path": ["tickets"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "search"},
        }
    ]


async def test_a_longer_search_costs_more(client, key, world):
    async def cost(term: str) -> int:
        response = await client.post(
            "/graphql",
            json={"query": SEARCH, "variables": {"search": term}, "extensions": {"cost": True}},
            headers={"Authorization": f"Bearer {key}"},
        )
        return int(response.json()["extensions"]["cost"]["requestedQueryCost"])

    none, short, long = await cost(""), await cost("smith"), await cost("s" * 200)
    assert (short - none, long - none) == (30, 600)  # 30 points per 10 characters


CREATE = """
mutation ($input: CreateHelpdeskTicketInput!) {
  createHelpdeskTicket(input: $input) { ticket { id } errors { code } }
}
"""
ADD_MESSAGE = """
mutation ($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { errors { code } } }
"""
UPDATE = """
mutation ($input: UpdateTicketInput!) { updateTicket(input: $input) { errors { code } } }
"""


async def test_writes_through_mutations_are_found(gql, key, factory):
    # given: a helpdesk ticket made by the mutation, with its customer and first message
    created = await gql(CREATE, {"input": {
        "subject": "Refund", "body": "Ordered a kettle", "firstName": "Quentin",
        "lastName": "Quixote", "email": "qq@mancha.example",
    }}, key=key)  # fmt: skip
    ticket_id = created["data"]["createHelpdeskTicket"]["ticket"]["id"]
    queue = await factory.queue_ticket(await factory.line(), title="walk-in", first_name="Ann")

    # when: a message is added and the visitor's name changes
    added = await gql(ADD_MESSAGE, {"input": {"id": ticket_id, "body": "Also a toaster"}}, key=key)
    assert added["data"]["addTicketMessage"]["errors"] == []
    renamed = await gql(UPDATE, {"input": {"id": encode_id("Ticket", queue.id),
                                           "lastName": "Wexford"}}, key=key)  # fmt: skip
    assert renamed["data"]["updateTicket"]["errors"] == [], renamed

    # then: every source is searchable at once
    for term in ("kettle", "toaster", "quixote", "mancha.exa", "refund"):
        assert await _titles(gql, key, term) == ["Refund"], term  # its title is the subject
    assert await _titles(gql, key, "ann wexford") == ["Ann Wexford"]  # the title follows


async def test_direct_writes_keep_the_index_in_step(gql, key, world, db):
    # when: rows change without the services (an importer, a console): triggers follow
    async with db.transaction() as session:
        await session.execute(
            update(Contact).where(Contact.id == world["zola"].id).values(name="Victor Hugo")
        )
        await session.execute(update(Message).values(body="all quiet"))
        await session.execute(update(Ticket).where(Ticket.title == "smith").values(title="gone"))
    # then
    assert await _titles(gql, key, "mile zo") == []
    assert await _titles(gql, key, "victor hugo") == ["contact"]
    assert await _titles(gql, key, "on fire") == []
    assert await _titles(gql, key, "all quiet") == ["percent"]
    assert await _titles(gql, key, "acksmi") == ["gone"]
    async with db.transaction() as session:
        await session.execute(delete(Message))
    assert await _titles(gql, key, "all quiet") == []


REMOVED_SEARCH = """
query ($search: String, $removed: Boolean!) {
  tickets(first: 100, filter: {search: $search, includeRemoved: $removed}) {
    totalCount nodes { title }
  }
}
"""


async def _counted(gql, key, term, *, removed):  # type: ignore[no-untyped-def]
    result = await gql(REMOVED_SEARCH, {"search": term, "removed": removed}, key=key)
    assert "errors" not in result, result
    tickets = result["data"]["tickets"]
    return tickets["totalCount"], sorted(node["title"] for node in tickets["nodes"])


async def test_a_search_count_follows_spam_and_trash(gql, key, world, db):
    # given: "sure" is in two subjects; one ticket goes to spam, the other to the trash
    both = ["no percent", "percent"]
    assert await _counted(gql, key, "sure", removed=False) == (2, both)
    async with db.transaction() as session:
        await session.execute(update(Ticket).where(Ticket.title == "percent").values(spam=True))
        await session.execute(
            update(Ticket).where(Ticket.title == "no percent").values(trashed_at=at(10))
        )
    # then: the count leaves them out with the page, and includeRemoved counts them again
    assert await _counted(gql, key, "sure", removed=False) == (0, [])
    assert await _counted(gql, key, "sure", removed=True) == (2, both)
    # when: the flags are cleared, the tickets count again
    async with db.transaction() as session:
        await session.execute(update(Ticket).values(spam=False, trashed_at=None))
    assert await _counted(gql, key, "sure", removed=False) == (2, both)
