"""The SLA surface over GraphQL: setting up a calendar and a policy, Ticket.sla, the
slaStatuses filter and the SLA_DUE_AT order, refusals as data, and access."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.db.types import utcnow

pytestmark = pytest.mark.anyio

CREATE_CALENDAR = """
mutation Cal($input: CreateBusinessCalendarInput!) {
  createBusinessCalendar(input: $input) {
    calendar {
      id name timezone weeklyHours { day opens closes } exceptions { date closed opens closes }
    }
    errors { code field }
  }
}"""

CREATE_POLICY = """
mutation Pol($input: CreateSlaPolicyInput!) {
  createSlaPolicy(input: $input) {
    policy { id name priority firstResponseSeconds resolutionSeconds warnBeforeSeconds
             calendar { name } kinds labelNames }
    errors { code field }
  }
}"""

CREATE_TICKET = """
mutation T($input: CreateHelpdeskTicketInput!) {
  createHelpdeskTicket(input: $input) { ticket { id } errors { code } }
}"""

TICKET_SLA = """
query S($id: ID!) {
  ticket(id: $id) {
    sla { metric status startedAt dueAt remainingSeconds breachedAt cycle targetSeconds
          policy { name } }
  }
}"""

LIST = """
query L($filter: TicketFilter, $order: TicketOrder, $after: String) {
  tickets(filter: $filter, orderBy: $order, first: 2, after: $after) {
    totalCount
    nodes { title }
    pageInfo { hasNextPage endCursor }
  }
}"""

WEEKLY = [
    {"day": d, "opens": "00:00", "closes": "00:00"}
    for d in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
]


async def _ticket(gql, key, subject, **extra):  # type: ignore[no-untyped-def]
    result = await gql(
        CREATE_TICKET, {"input": {"subject": subject, "body": "hi", **extra}}, key=key
    )
    return result["data"]["createHelpdeskTicket"]["ticket"]["id"]


async def test_an_admin_sets_up_a_calendar_and_a_policy_and_tickets_show_their_timers(gql, key):
    # given: an always-open calendar and a policy on it
    result = await gql(
        CREATE_CALENDAR,
        {
            "input": {
                "name": "Always",
                "timezone": "America/New_York",
                "weeklyHours": WEEKLY,
                "exceptions": [{"date": "2026-12-25", "closed": True}],
            }
        },
        key=key,
    )
    calendar = result["data"]["createBusinessCalendar"]
    assert calendar["errors"] == []
    assert calendar["calendar"]["weeklyHours"][0] == {
        "day": "MONDAY",
        "opens": "00:00",
        "closes": "00:00",
    }
    assert calendar["calendar"]["exceptions"] == [
        {"date": "2026-12-25", "closed": True, "opens": None, "closes": None}
    ]
    result = await gql(
        CREATE_POLICY,
        {
            "input": {
                "name": "Standard",
                "calendarId": calendar["calendar"]["id"],
                "priority": 1,
                "firstResponseSeconds": 3600,
                "resolutionSeconds": 86400,
                "warnBeforeSeconds": 600,
                "kinds": ["HELPDESK"],
            }
        },
        key=key,
    )
    assert result == {
        "data": {
            "createSlaPolicy": {
                "policy": {
                    "id": result["data"]["createSlaPolicy"]["policy"]["id"],
                    "name": "Standard",
                    "priority": 1,
                    "firstResponseSeconds": 3600,
                    "resolutionSeconds": 86400,
                    "warnBeforeSeconds": 600,
                    "calendar": {"name": "Always"},
                    "kinds": ["HELPDESK"],
                    "labelNames": [],
                },
                "errors": [],
            }
        }
    }

    # when: a ticket is created
    before = utcnow()
    ticket = await _ticket(gql, key, "Printer")
    result = await gql(TICKET_SLA, {"id": ticket}, key=key)

    # then: two running timers of the policy
    timers = {t["metric"]: t for t in result["data"]["ticket"]["sla"]}
    assert set(timers) == {"FIRST_RESPONSE", "RESOLUTION"}
    first = timers["FIRST_RESPONSE"]
    assert (first["status"], first["cycle"], first["targetSeconds"], first["policy"]) == (
        "RUNNING",
        1,
        3600,
        {"name": "Standard"},
    )
    assert 3590 <= first["remainingSeconds"] <= 3600
    assert first["breachedAt"] is None
    from datetime import datetime

    due = datetime.fromisoformat(first["dueAt"])
    assert (
        before + timedelta(hours=1) - timedelta(seconds=5) <= due <= utcnow() + timedelta(hours=1)
    )


async def test_filter_by_sla_status_and_order_by_due_time_with_pages(gql, key):
    await gql(
        CREATE_POLICY,
        {"input": {"name": "vip", "priority": 5, "resolutionSeconds": 600, "labelNames": ["vip"]}},
        key=key,
    )
    await gql(CREATE_POLICY, {"input": {"name": "rest", "resolutionSeconds": 7200}}, key=key)
    await _ticket(gql, key, "slow")
    await _ticket(gql, key, "fast", labels=["vip"])
    await _ticket(gql, key, "medium-less", labels=["other"])
    order = {"field": "SLA_DUE_AT", "direction": "ASC"}
    result = await gql(LIST, {"filter": {"slaStatuses": ["RUNNING"]}, "order": order}, key=key)
    assert "errors" not in result, result
    page = result["data"]["tickets"]
    assert page["totalCount"] == 3
    assert [n["title"] for n in page["nodes"]] == ["fast", "slow"]
    result = await gql(
        LIST,
        {
            "filter": {"slaStatuses": ["RUNNING"]},
            "order": order,
            "after": page["pageInfo"]["endCursor"],
        },
        key=key,
    )
    assert [n["title"] for n in result["data"]["tickets"]["nodes"]] == ["medium-less"]
    result = await gql(LIST, {"filter": {"slaStatuses": ["BREACHED", "MET"]}}, key=key)
    assert result["data"]["tickets"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        (
            {"name": "x", "timezone": "Nowhere/City", "weeklyHours": WEEKLY},
            "VALIDATION",
            "timezone",
        ),
        (
            {
                "name": "x",
                "timezone": "UTC",
                "weeklyHours": [{"day": "MONDAY", "opens": "9am", "closes": "17:00"}],
            },
            "VALIDATION",
            "weeklyHours[0].opens",
        ),
        ({"name": "x", "timezone": "UTC", "weeklyHours": []}, "VALIDATION", "weeklyHours"),
        ({"name": " ", "timezone": "UTC", "weeklyHours": WEEKLY}, "VALIDATION", "name"),
    ],
)
async def test_bad_calendars_are_refused_as_data(gql, key, input, code, field):
    result = await gql(CREATE_CALENDAR, {"input": input}, key=key)
    assert result == {
        "data": {
            "createBusinessCalendar": {"calendar": None, "errors": [{"code": code, "field": field}]}
        }
    }


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"name": "p"}, "VALIDATION", "firstResponseSeconds"),
        ({"name": "p", "resolutionSeconds": 0}, "VALIDATION", "resolutionSeconds"),
        ({"name": "p", "resolutionSeconds": 2**31 - 1}, "VALIDATION", "resolutionSeconds"),
        (
            {"name": "p", "resolutionSeconds": 60, "warnBeforeSeconds": -1},
            "VALIDATION",
            "warnBeforeSeconds",
        ),
        (
            {
                "name": "p",
                "resolutionSeconds": 60,
                "calendarId": "QnVzaW5lc3NDYWxlbmRhcjo5OTk5OQ==",
            },
            "NOT_FOUND",
            "calendarId",
        ),
        (
            {"name": "p", "resolutionSeconds": 60, "calendarId": "garbage"},
            "VALIDATION",
            "calendarId",
        ),
        (
            {"name": "p", "resolutionSeconds": 60, "teamIds": ["VGVhbTo5OTk5OTk="]},
            "NOT_FOUND",
            "teamIds",
        ),
    ],
)
async def test_bad_policies_are_refused_as_data(gql, key, input, code, field):
    result = await gql(CREATE_POLICY, {"input": input}, key=key)
    assert result == {
        "data": {"createSlaPolicy": {"policy": None, "errors": [{"code": code, "field": field}]}}
    }


async def test_a_taken_name_is_a_conflict(gql, key):
    await gql(CREATE_POLICY, {"input": {"name": "Same", "resolutionSeconds": 60}}, key=key)
    result = await gql(CREATE_POLICY, {"input": {"name": "same", "resolutionSeconds": 60}}, key=key)
    assert result["data"]["createSlaPolicy"]["errors"] == [{"code": "CONFLICT", "field": "name"}]


async def test_only_admins_set_up_slas_and_everyone_reads_them(gql, key, read_key):
    result = await gql(
        CREATE_POLICY, {"input": {"name": "p", "resolutionSeconds": 60}}, key=read_key
    )
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql(CREATE_POLICY, {"input": {"name": "p", "resolutionSeconds": 60}}, key=key)
    result = await gql(
        "{ slaPolicies { name calendar { name } } businessCalendars { name } }", key=read_key
    )
    assert result == {
        "data": {"slaPolicies": [{"name": "p", "calendar": None}], "businessCalendars": []}
    }


README_DOCS = Path(__file__).resolve().parents[2] / "schema" / "operations" / "readme"


async def test_the_readme_examples_run(gql, key):
    calendar = await gql((README_DOCS / "sla_calendar.graphql").read_text(), key=key)
    created = calendar["data"]["createBusinessCalendar"]
    assert created["errors"] == []
    policy = await gql(
        (README_DOCS / "sla_policy.graphql").read_text(),
        {"calendar": created["calendar"]["id"]},
        key=key,
    )
    assert policy["data"]["createSlaPolicy"]["errors"] == []
    assert policy["data"]["createSlaPolicy"]["policy"]["name"] == "VIP email"


async def test_sla_due_at_pages_run_through_tickets_without_timers_both_ways(gql, key):
    await gql(
        CREATE_POLICY,
        {"input": {"name": "vip", "resolutionSeconds": 600, "labelNames": ["vip"]}},
        key=key,
    )
    for title, labels in (("none-1", []), ("vip-1", ["vip"]), ("none-2", []), ("vip-2", ["vip"])):
        await _ticket(gql, key, title, labels=labels)
    titles, after = [], None
    while True:
        result = await gql(
            LIST, {"order": {"field": "SLA_DUE_AT", "direction": "ASC"}, "after": after}, key=key
        )
        page = result["data"]["tickets"]
        titles += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # Soonest due first; tickets without a running timer last, ties by id (the order given).
    assert titles == ["vip-1", "vip-2", "none-1", "none-2"]
    result = await gql(LIST, {"order": {"field": "SLA_DUE_AT", "direction": "DESC"}}, key=key)
    assert [n["title"] for n in result["data"]["tickets"]["nodes"]] == ["none-2", "none-1"]
