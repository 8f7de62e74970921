"""Refusals as data: NOT_FOUND (unknown, wrong-type, other workspace ids), VALIDATION (malformed
ids, bad values), CONFLICT (stale expectedVersion). Nothing is written when refused."""

from __future__ import annotations

import pytest

from schema.ids import encode_id
from tests.factories import Factory
from tests.mutations.conftest import gid
from tests.mutations.helpers import event_types, minimal, refused, ticket_now

pytestmark = pytest.mark.anyio


async def _theirs(db, make_workspace) -> dict[str, str]:
    """Another workspace's line, user, team, contact and ticket, as global ids."""
    other = await make_workspace("Other")
    them = Factory(db, other.workspace.id)  # type: ignore[arg-type]
    line = await them.line()
    return {
        "line": gid("Line", line),
        "user": gid("User", await them.user()),
        "team": gid("Team", await them.team()),
        "contact": gid("Contact", await them.contact()),
        "queue": gid("Ticket", await them.queue_ticket(line, title="theirs")),
        "helpdesk": gid("Ticket", await them.helpdesk_ticket(title="theirs")),
        "key": other.api_key,
    }


async def test_another_workspaces_ids_are_not_found(gql, db, factory, key, make_workspace):
    # given: a line and tickets of ours, and everything of another workspace
    theirs = await _theirs(db, make_workspace)
    line = gid("Line", await factory.line())
    mine = gid("Ticket", await factory.queue_ticket(await factory.line("Mine"), title="m"))
    helpdesk = gid("Ticket", await factory.helpdesk_ticket(title="h"))
    cases = [
        ("callTicket", {"id": theirs["queue"]}, "id"),
        ("completeTicket", {"id": theirs["helpdesk"]}, "id"),
        ("addTicketLabel", {"id": theirs["helpdesk"], "name": "x"}, "id"),
        ("createQueueTicket", {"lineId": theirs["line"]}, "lineId"),
        ("moveTicket", {"id": mine, "lineId": theirs["line"]}, "lineId"),
        ("callNextTicket", {"lineIds": [line, theirs["line"]]}, "lineIds"),
        ("callTicket", {"id": mine, "userId": theirs["user"]}, "userId"),
        ("assignTicket", {"id": mine, "assigneeId": theirs["user"]}, "assigneeId"),
        ("setTicketTeam", {"id": helpdesk, "teamId": theirs["team"]}, "teamId"),
        ("createHelpdeskTicket", {"contactId": theirs["contact"]}, "contactId"),
        ("addTicketMessage", {"id": mine, "body": "b", "userId": theirs["user"]}, "userId"),
        ("reorderTicket", {"id": mine, "afterId": theirs["queue"]}, "afterId"),
    ]

    for name, input_, field in cases:
        # when
        result = await gql(minimal(name), {"input": input_}, key=key)
        # then
        assert result == refused(name, "NOT_FOUND", field), name

    assert await event_types(gql, key) == []
    assert await event_types(gql, theirs["key"]) == []


async def test_an_id_of_another_type_is_not_found(gql, factory, key):
    line = await factory.line()

    result = await gql(
        minimal("callTicket"), {"input": {"id": gid("Line", line), "desk": 1}}, key=key
    )
    by_line = await gql(
        minimal("createQueueTicket"), {"input": {"lineId": gid("User", line)}}, key=key
    )

    assert result == {
        "data": {"callTicket": {"ticket": None, "errors": [{"code": "NOT_FOUND", "field": "id"}]}}
    }
    assert by_line == refused("createQueueTicket", "NOT_FOUND", "lineId")


async def test_an_unknown_ticket_is_not_found_with_a_stable_message(gql, key):
    document = """
    mutation ($input: CancelTicketInput!) {
      cancelTicket(input: $input) { ticket { id } errors { code message field } }
    }
    """
    result = await gql(document, {"input": {"id": encode_id("Ticket", 10**9)}}, key=key)

    assert result == {
        "data": {
            "cancelTicket": {
                "ticket": None,
                "errors": [{"code": "NOT_FOUND", "message": "Ticket not found.", "field": "id"}],
            }
        }
    }


async def test_bad_input_is_a_validation_error_naming_the_field(gql, factory, key):
    line = await factory.line()
    queue = gid("Ticket", await factory.queue_ticket(line, title="q"))
    helpdesk = gid("Ticket", await factory.helpdesk_ticket(title="h"))
    cases = [
        ("callTicket", {"id": "not-an-id"}, "id"),
        ("callTicket", {"id": encode_id("Nope", 1)}, "id"),
        ("callNextTicket", {"lineIds": []}, "lineIds"),
        ("callNextTicket", {"lineIds": ["%%%"]}, "lineIds"),
        ("callTicket", {"id": queue, "desk": 0}, "desk"),
        ("callTicket", {"id": queue, "userId": "bad"}, "userId"),
        ("createQueueTicket", {"lineId": gid("Line", line), "email": "nope"}, "email"),
        ("createHelpdeskTicket", {"languageCode": "x" * 17}, "languageCode"),
        ("createHelpdeskTicket", {"circumstance": "TAKEOVER"}, "assigneeId"),
        ("addTicketLabel", {"id": queue, "name": "  "}, "name"),
        ("addTicketLabel", {"id": queue, "name": "x", "color": "red"}, "color"),
        ("setTicketExtra", {"id": queue, "title": "t", "url": "ftp://x"}, "url"),
        ("addTicketMessage", {"id": helpdesk, "body": ""}, "body"),
        ("snoozeTicket", {"id": helpdesk, "until": "2000-01-01T00:00:00+00:00"}, "until"),
        ("moveTicket", {"id": queue, "lineId": gid("Line", line)}, "lineId"),
    ]

    for name, input_, field in cases:
        result = await gql(minimal(name), {"input": input_}, key=key)
        assert result == refused(name, "VALIDATION", field), (name, input_)

    assert await event_types(gql, key) == []


async def test_a_stale_expected_version_is_a_conflict(gql, factory, key):
    # given: a ticket at version 1, changed once (now version 2)
    line = await factory.line()
    ticket = gid("Ticket", await factory.queue_ticket(line, title="q"))
    first = await gql(
        minimal("callTicket"), {"input": {"id": ticket, "expectedVersion": 1}}, key=key
    )

    # when: someone acts on what they saw at version 1
    stale = await gql(
        minimal("markTicketServed"), {"input": {"id": ticket, "expectedVersion": 1}}, key=key
    )

    # then
    assert first == {"data": {"callTicket": {"ticket": {"id": ticket}, "errors": []}}}
    assert stale == refused("markTicketServed", "CONFLICT", "expectedVersion")
    assert await ticket_now(gql, key, ticket) == {
        "state": "IN_PROGRESS",
        "version": 2,
        "status": "CALLED",
        "history": {"nodes": [{"type": "CALLED"}]},
    }
    current = await gql(
        minimal("markTicketServed"), {"input": {"id": ticket, "expectedVersion": 2}}, key=key
    )
    assert current["data"]["markTicketServed"]["errors"] == []
