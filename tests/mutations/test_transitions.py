"""Illegal transitions are refused (INVALID_TRANSITION): ticket and log stay as they were."""

from __future__ import annotations

import pytest

from tests.mutations.conftest import gid
from tests.mutations.helpers import minimal, refused, ticket_now

pytestmark = pytest.mark.anyio

QUEUE_CASES = [
    ("cancelTicket", "CALLED", {}),
    ("cancelTicket", "SERVED", {}),
    ("callTicket", "CALLED", {}),
    ("callTicket", "NOSHOW", {}),
    ("markTicketServed", "NEW", {}),
    ("markTicketServed", "SERVED", {}),
    ("markTicketNoShow", "CANCELLED_BY_CLERK", {}),
    ("recallTicket", "NEW", {}),
    ("returnTicketToQueue", "NEW", {}),
    ("reorderTicket", "CALLED", {"position": "FIRST"}),
    ("updateTicket", "SERVED", {"firstName": "X"}),
    ("moveTicket", "SERVED", {"lineId": "other"}),
]

HELPDESK_CASES = [
    ("reopenTicket", "OPEN", {}),
    ("takeOverTicket", "CLOSED", {}),
    ("completeTicket", "CLOSED", {}),
    ("snoozeTicket", "CLOSED", {"until": "2999-01-01T00:00:00+00:00"}),
    ("snoozeTicket", "SNOOZED", {"until": "2999-01-01T00:00:00+00:00"}),
]

WRONG_KIND = ["callTicket", "markTicketServed", "cancelTicket", "updateTicket"]


@pytest.mark.parametrize(("name", "status", "extra"), QUEUE_CASES)
async def test_queue_transition_refused(gql, factory, key, name, status, extra):
    line, other = await factory.line("One"), await factory.line("Two")
    ticket = await factory.queue_ticket(line, status, title="t")
    if extra.get("lineId") == "other":
        extra = {"lineId": gid("Line", other)}
    before = await ticket_now(gql, key, gid("Ticket", ticket))

    result = await gql(minimal(name), {"input": {"id": gid("Ticket", ticket), **extra}}, key=key)

    assert result == refused(name, "INVALID_TRANSITION", None)
    assert (
        await ticket_now(gql, key, gid("Ticket", ticket))
        == before
        == {
            "state": before["state"],
            "version": 1,
            "status": status,
            "history": {"nodes": []},
        }
    )


@pytest.mark.parametrize(("name", "status", "extra"), HELPDESK_CASES)
async def test_helpdesk_transition_refused(gql, factory, key, name, status, extra):
    ticket = await factory.helpdesk_ticket(status, title="t")
    before = await ticket_now(gql, key, gid("Ticket", ticket))

    result = await gql(minimal(name), {"input": {"id": gid("Ticket", ticket), **extra}}, key=key)

    assert result == refused(name, "INVALID_TRANSITION", None)
    assert await ticket_now(gql, key, gid("Ticket", ticket)) == before
    assert before["history"] == {"nodes": []}


async def test_a_spam_ticket_is_frozen_until_restored(gql, factory, key):
    ticket = await factory.helpdesk_ticket("OPEN", title="t", spam=True)

    result = await gql(minimal("completeTicket"), {"input": {"id": gid("Ticket", ticket)}}, key=key)

    assert result == refused("completeTicket", "INVALID_TRANSITION", None)
    assert (await ticket_now(gql, key, gid("Ticket", ticket)))["state"] == "CANCELLED"


@pytest.mark.parametrize("name", WRONG_KIND)
async def test_queue_mutations_refuse_helpdesk_tickets(gql, factory, key, name):
    ticket = await factory.helpdesk_ticket("OPEN", title="t")

    result = await gql(minimal(name), {"input": {"id": gid("Ticket", ticket)}}, key=key)

    assert result == refused(name, "INVALID_TRANSITION", None)


async def test_helpdesk_mutations_refuse_queue_tickets(gql, factory, key):
    line = await factory.line()
    ticket = await factory.queue_ticket(line, title="t")

    result = await gql(minimal("reopenTicket"), {"input": {"id": gid("Ticket", ticket)}}, key=key)

    assert result == refused("reopenTicket", "INVALID_TRANSITION", None)
    assert (await ticket_now(gql, key, gid("Ticket", ticket)))["history"] == {"nodes": []}
