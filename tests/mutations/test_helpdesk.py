"""createHelpdeskTicket, takeOverTicket, completeTicket, reopenTicket, snoozeTicket,
setTicketTeam, markTicketSpam, trashTicket, restoreTicket, markTicketRead."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db.types import utcnow
from tests.mutations.conftest import gid
from tests.mutations.helpers import document

pytestmark = pytest.mark.anyio

CREATE = """
mutation ($input: CreateHelpdeskTicketInput!) {
  createHelpdeskTicket(input: $input) {
    ticket {
      title state
      ... on HelpdeskTicket {
        status subject channel circumstance language unread
        customer { name email }
        messages { nodes { body direction } }
      }
      assignee { name } team { name } labels { name }
      interactions { user { name } end }
      history { nodes { type } }
    }
    errors { code message field }
  }
}
"""

FIELDS = """
    ticket {
      state
      ... on HelpdeskTicket { status spam unread snoozeUntil }
      assignee { name } team { name }
      history { nodes { type } }
    }
    errors { code message field }
"""


def _ticket(status: str, state: str, events: list[str], **fields: object) -> dict:
    ticket = {
        "state": state,
        "status": status,
        "spam": False,
        "unread": False,
        "snoozeUntil": None,
        "assignee": None,
        "team": None,
        "history": {"nodes": [{"type": event} for event in events]},
    }
    ticket.update(fields)
    return ticket


async def test_create_helpdesk_ticket(gql, factory, key):
    team = await factory.team("Billing")

    result = await gql(
        CREATE,
        {
            "input": {
                "subject": "Refund",
                "body": "Where is my money?",
                "firstName": "Cora",
                "lastName": "Customer",
                "email": "cora@example.com",
                "teamId": gid("Team", team),
                "languageCode": "en",
                "labels": ["billing"],
            }
        },
        key=key,
    )

    assert result == {
        "data": {
            "createHelpdeskTicket": {
                "ticket": {
                    "title": "Refund",
                    "state": "OPEN",
                    "status": "OPEN",
                    "subject": "Refund",
                    "channel": "api",
                    "circumstance": "HANDOVER",
                    "language": "en",
                    "unread": True,
                    "customer": {"name": "Cora Customer", "email": "cora@example.com"},
                    "messages": {
                        "nodes": [{"body": "Where is my money?", "direction": "INCOMING"}]
                    },
                    "assignee": None,
                    "team": {"name": "Billing"},
                    "labels": [{"name": "billing"}],
                    "interactions": [],
                    "history": {"nodes": [{"type": "CREATED"}]},
                },
                "errors": [],
            }
        }
    }


async def test_create_a_take_over(gql, factory, key):
    agent = await factory.user("Ada Agent")

    result = await gql(
        CREATE,
        {"input": {"circumstance": "TAKEOVER", "assigneeId": gid("User", agent)}},
        key=key,
    )

    ticket = result["data"]["createHelpdeskTicket"]["ticket"]
    assert (ticket["status"], ticket["state"], ticket["assignee"]) == (
        "ONGOING",
        "IN_PROGRESS",
        {"name": "Ada Agent"},
    )
    assert ticket["interactions"] == [{"user": {"name": "Ada Agent"}, "end": None}]


async def test_take_over_complete_reopen(gql, factory, key):
    agent = await factory.user("Ada Agent")
    ticket = gid("Ticket", await factory.helpdesk_ticket(title="t"))

    taken = await gql(
        document("takeOverTicket", FIELDS),
        {"input": {"id": ticket, "assigneeId": gid("User", agent)}},
        key=key,
    )
    completed = await gql(document("completeTicket", FIELDS), {"input": {"id": ticket}}, key=key)
    reopened = await gql(document("reopenTicket", FIELDS), {"input": {"id": ticket}}, key=key)

    ada = {"name": "Ada Agent"}
    assert taken == {
        "data": {
            "takeOverTicket": {
                "ticket": _ticket("ONGOING", "IN_PROGRESS", ["TAKEN_OVER"], assignee=ada),
                "errors": [],
            }
        }
    }
    assert completed["data"]["completeTicket"]["ticket"] == _ticket(
        "CLOSED", "RESOLVED", ["TAKEN_OVER", "COMPLETED"], assignee=ada
    )
    assert reopened["data"]["reopenTicket"]["ticket"] == _ticket(
        "OPEN", "OPEN", ["TAKEN_OVER", "COMPLETED", "REOPENED"], assignee=ada
    )


async def test_snooze_until_a_time(gql, factory, key):
    ticket = gid("Ticket", await factory.helpdesk_ticket(title="t"))
    until = (utcnow() + timedelta(days=1)).replace(microsecond=0)

    result = await gql(
        document("snoozeTicket", FIELDS),
        {"input": {"id": ticket, "until": until.isoformat()}},
        key=key,
    )

    snoozed = result["data"]["snoozeTicket"]
    assert snoozed["errors"] == []
    assert snoozed["ticket"] == _ticket(
        "SNOOZED", "PENDING", ["SNOOZED"], snoozeUntil=snoozed["ticket"]["snoozeUntil"]
    )
    assert snoozed["ticket"]["snoozeUntil"].startswith(until.strftime("%Y-%m-%dT%H:%M:%S"))


async def test_set_and_clear_the_team(gql, factory, key):
    team = await factory.team("Billing")
    ticket = gid("Ticket", await factory.helpdesk_ticket(title="t"))
    set_team = document("setTicketTeam", FIELDS)

    routed = await gql(set_team, {"input": {"id": ticket, "teamId": gid("Team", team)}}, key=key)
    again = await gql(set_team, {"input": {"id": ticket, "teamId": gid("Team", team)}}, key=key)
    cleared = await gql(set_team, {"input": {"id": ticket, "teamId": None}}, key=key)

    billing = {"name": "Billing"}
    assert routed["data"]["setTicketTeam"]["ticket"] == _ticket(
        "OPEN", "OPEN", ["TEAM_SET"], team=billing
    )
    assert again["data"]["setTicketTeam"]["ticket"] == _ticket(
        "OPEN", "OPEN", ["TEAM_SET"], team=billing
    )
    assert cleared["data"]["setTicketTeam"]["ticket"] == _ticket(
        "OPEN", "OPEN", ["TEAM_SET", "TEAM_SET"]
    )


async def test_spam_trash_restore_read(gql, factory, key):
    ticket = gid("Ticket", await factory.helpdesk_ticket(title="t", unread=True))
    run = {
        name: document(name, FIELDS)
        for name in ("markTicketSpam", "trashTicket", "restoreTicket", "markTicketRead")
    }

    spam = await gql(run["markTicketSpam"], {"input": {"id": ticket}}, key=key)
    trash = await gql(run["trashTicket"], {"input": {"id": ticket}}, key=key)
    restore = await gql(run["restoreTicket"], {"input": {"id": ticket}}, key=key)
    read = await gql(run["markTicketRead"], {"input": {"id": ticket}}, key=key)

    assert spam["data"]["markTicketSpam"]["ticket"] == _ticket(
        "OPEN", "CANCELLED", ["MARKED_SPAM"], spam=True, unread=True
    )
    assert trash["data"]["trashTicket"]["ticket"]["state"] == "CANCELLED"
    assert restore["data"]["restoreTicket"]["ticket"] == _ticket(
        "OPEN", "OPEN", ["MARKED_SPAM", "TRASHED", "RESTORED"], unread=True
    )
    assert read["data"]["markTicketRead"] == {
        "ticket": _ticket("OPEN", "OPEN", ["MARKED_SPAM", "TRASHED", "RESTORED", "MARKED_READ"]),
        "errors": [],
    }
