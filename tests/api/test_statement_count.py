"""The number of SQL statements for a page of tickets does not grow with the page size."""

from __future__ import annotations

import pytest

from app.db.engine import StatementCounter, statement_counter
from tests.factories import Factory, at

pytestmark = pytest.mark.anyio

ALL_NESTED = """
query ($first: Int!) {
  tickets(first: $first) {
    totalCount
    edges { cursor node {
      id kind state title
      assignee { name } team { name } contact { name }
      labels { name color }
      messages(first: 5) { nodes { body author { name } } pageInfo { hasNextPage } }
      interactions { start user { name } line { name } }
      extra { title value }
      history(first: 5) { nodes { type actor { name } } }
      ... on QueueTicket { line { name } calledBy { name } assigner { name } position }
      ... on HelpdeskTicket { customer { name } }
    } }
  }
}
"""

DASHBOARD = """
query Dashboard($first: Int!) {
  tickets(first: $first, filter: {states: [OPEN, IN_PROGRESS, PENDING]},
          orderBy: {field: CREATED_AT, direction: DESC}) {
    edges { node {
      id state createdAt title
      assignee { id name email }
      labels { name color }
      messages(first: 5) { nodes { body direction createdAt author { name } } }
      interactions { start end user { name } }
    } }
  }
}
"""


async def seed(factory: Factory, count: int) -> None:
    """`count` tickets of both kinds, each with every relation filled."""
    line = await factory.line()
    users = [await factory.user(f"agent {i}") for i in range(3)]
    team, contact = await factory.team(), await factory.contact()
    labels = [await factory.label("vip", "#f00"), await factory.label("new", "#0f0")]
    tickets = []
    for i in range(count):
        common = {"title": f"t{i}", "created_at": at(i), "assignee_id": users[i % 3].id}
        if i % 2:
            row = factory.queue_ticket_row(
                line, "NEW" if i % 4 == 1 else "CALLED", called_by_id=users[0].id,
                assigner_id=users[1].id, **common,
            )  # fmt: skip
        else:
            row = factory.helpdesk_ticket_row(team_id=team.id, contact_id=contact.id, **common)
        tickets.append(row)
    await factory.add_all(tickets)
    rows: list = []
    for i, ticket in enumerate(tickets):
        rows += [factory.message_row(ticket, f"m{j}", author_id=users[j % 3].id) for j in range(7)]
        rows.append(
            factory.interaction_row(ticket, at(i + 1), user_id=users[2].id, line_id=line.id)
        )
    await factory.add_all(rows)
    for ticket in tickets:
        await factory.tag(ticket, *labels)
        await factory.extra(ticket, "field", value="v")
        await factory.events(ticket, "CREATED", actor_id=users[0].id)


async def count_statements(gql, query: str, variables: dict, key: str) -> tuple[int, dict]:
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        result = await gql(query, variables, key=key)
    finally:
        statement_counter.reset(token)
    assert "errors" not in result, result["errors"]
    return counter.count, result


async def test_same_statement_count_for_10_and_100_tickets(gql, db, make_workspace):
    # given: two workspaces, one with 10 tickets and one with 100
    small, large = await make_workspace("small"), await make_workspace("large")
    await seed(Factory(db, small.workspace.id), 10)
    await seed(Factory(db, large.workspace.id), 100)

    # when
    small_count, _ = await count_statements(gql, ALL_NESTED, {"first": 10}, small.api_key)
    large_count, large_result = await count_statements(
        gql, ALL_NESTED, {"first": 100}, large.api_key
    )

    # then: every nested field was really read, with the same number of statements
    assert len(large_result["data"]["tickets"]["edges"]) == 100
    node = large_result["data"]["tickets"]["edges"][-1]["node"]
    assert (len(node["labels"]), len(node["messages"]["nodes"]), len(node["extra"])) == (2, 5, 1)
    assert node["interactions"][0]["user"] == {"name": "agent 2"}
    assert node["history"]["nodes"] == [{"type": "CREATED", "actor": {"name": "agent 0"}}]
    assert small_count == large_count, (small_count, large_count)
    # authenticate, page, count, 12 relation batches at most (two levels)
    assert large_count <= 16


@pytest.mark.parametrize("first", [10, 50, 100])
async def test_dashboard_query_runs_at_most_six_statements(gql, db, workspace, first):
    # given: 120 tickets, all open or in progress
    await seed(Factory(db, workspace.workspace.id), 120)

    # when
    count, result = await count_statements(gql, DASHBOARD, {"first": first}, workspace.api_key)

    # then: key lookup, page, labels, messages, interactions, users (assignees, authors and
    # interactions' users in one batch)
    assert len(result["data"]["tickets"]["edges"]) == first
    assert count <= 6, count


async def test_vendor_documents_are_read_only_when_asked_in_one_batch(gql, db, workspace):
    factory = Factory(db, workspace.workspace.id)
    for i in range(4):
        await factory.helpdesk_ticket(
            title=f"t{i}", vendor_data={"seq": i}, raw_payload={"id": i, "big": "x" * 1000}
        )
    plain = "{ tickets(first: 4) { nodes { title origin { system } } } }"
    documents = "{ tickets(first: 4) { nodes { title origin { data payload } } } }"

    await gql(plain, key=workspace.api_key)  # the key is looked up (then remembered)
    without, _ = await count_statements(gql, plain, {}, workspace.api_key)
    with_documents, result = await count_statements(gql, documents, {}, workspace.api_key)

    assert with_documents == without + 1  # one batch for the whole page
    origins = sorted(
        (node["origin"] for node in result["data"]["tickets"]["nodes"]),
        key=lambda origin: origin["data"]["seq"],
    )
    assert origins[2] == {"data": {"seq": 2}, "payload": {"id": 2, "big": "x" * 1000}}
