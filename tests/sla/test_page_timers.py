"""Ticket.sla on a page of tickets: the timers come with the page's own statement
(app.loaders.carried_timers), and read exactly as the timer loader's do for a single ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import schema.types.sla as sla_types
from app.db.types import utcnow
from app.loaders import sla_calendars
from tests.api.test_statement_count import count_statements
from tests.sla.test_api import CREATE_CALENDAR, CREATE_POLICY, _ticket

pytestmark = pytest.mark.anyio

FIELDS = """
  sla { metric status startedAt dueAt warnAt breachedAt stoppedAt cycle targetSeconds
        remainingSeconds policy { name } }
"""
PAGE = "query P { tickets(first: 10) { nodes { id title " + FIELDS + " } } }"
PAGE_WITHOUT_SLA = "query P { tickets(first: 10) { nodes { id title } } }"
# As the dashboard asks (a policy's name would be one statement more, for the policies).
PAGE_DUE = (
    "query P { tickets(first: 10) { nodes { id title"
    " sla { metric status dueAt remainingSeconds } } } }"
)
SEARCHED = (
    'query S { tickets(first: 10, filter: {search: "printer"}) { nodes { id title '
    + FIELDS
    + " } } }"
)
BACKWARD = "query B { tickets(last: 10) { nodes { id title " + FIELDS + " } } }"
ONE = "query O($id: ID!) { ticket(id: $id) { id title " + FIELDS + " } }"
SNOOZE = """
mutation Z($input: SnoozeTicketInput!) { snoozeTicket(input: $input) { errors { code } } }"""

OFFICE = [
    {"day": day, "opens": "09:00", "closes": "17:00"}
    for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")
]


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """remainingSeconds counts to one instant, whichever query reads it."""
    now = utcnow() + timedelta(days=3)
    monkeypatch.setattr(sla_types, "utcnow", lambda: now)
    return now


async def _setup(gql, key) -> list[str]:  # type: ignore[no-untyped-def]
    """A ticket from before any policy, then two under an office-hours policy (one snoozed:
    its timers paused)."""
    untimed = await _ticket(gql, key, "Printer before")
    calendar = await gql(
        CREATE_CALENDAR,
        {"input": {"name": "Office", "timezone": "Europe/Berlin", "weeklyHours": OFFICE}},
        key=key,
    )
    calendar_id = calendar["data"]["createBusinessCalendar"]["calendar"]["id"]
    policy = {
        "name": "Office",
        "calendarId": calendar_id,
        "firstResponseSeconds": 3600,
        "resolutionSeconds": 8 * 3600,
        "warnBeforeSeconds": 600,
    }
    result = await gql(CREATE_POLICY, {"input": policy}, key=key)
    assert result["data"]["createSlaPolicy"]["errors"] == []
    running = await _ticket(gql, key, "Printer running")
    snoozed = await _ticket(gql, key, "Printer snoozed")
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    result = await gql(SNOOZE, {"input": {"id": snoozed, "until": until}}, key=key)
    assert result["data"]["snoozeTicket"]["errors"] == []
    return [untimed, running, snoozed]


async def test_a_page_shows_the_timers_a_single_ticket_shows(gql, key, frozen):
    # given
    tickets = await _setup(gql, key)
    sla_calendars.definitions.clear()  # a process that has not read the calendar yet

    # when: the page (timers carried by its statement), and each ticket alone (the loader)
    page = await gql(PAGE, key=key)
    searched = await gql(SEARCHED, key=key)  # a searched page loads them as before
    backward = await gql(BACKWARD, key=key)
    alone = [(await gql(ONE, {"id": t}, key=key))["data"]["ticket"] for t in tickets]

    # then: the same timers, field for field
    assert "errors" not in page and "errors" not in searched and "errors" not in backward
    by_id = {node["id"]: node for node in page["data"]["tickets"]["nodes"]}
    assert [by_id[t] for t in tickets] == alone
    by_id = {node["id"]: node for node in backward["data"]["tickets"]["nodes"]}
    assert [by_id[t] for t in tickets] == alone
    assert sorted(searched["data"]["tickets"]["nodes"], key=lambda n: n["id"]) == sorted(
        alone, key=lambda n: n["id"]
    )
    untimed, running, snoozed = alone
    assert untimed["sla"] == []
    assert {t["metric"]: t["status"] for t in running["sla"]} == {
        "FIRST_RESPONSE": "RUNNING",
        "RESOLUTION": "RUNNING",
    }
    assert {t["status"] for t in snoozed["sla"]} == {"PAUSED"}
    assert all(t["remainingSeconds"] <= t["targetSeconds"] for t in running["sla"])


async def test_sla_on_a_page_costs_no_statement(gql, key, frozen):
    # given: the calendar's definition read once already (it is, once per process)
    await _setup(gql, key)
    await gql(PAGE_DUE, key=key)

    # when
    plain, _ = await count_statements(gql, PAGE_WITHOUT_SLA, {}, key)
    with_sla, result = await count_statements(gql, PAGE_DUE, {}, key)

    # then
    assert with_sla == plain
    assert sum(len(node["sla"]) for node in result["data"]["tickets"]["nodes"]) == 4


async def test_a_page_shows_timers_as_they_are_after_a_change(gql, key, frozen):
    # given: a page read once (PostgreSQL stores each timer's carried values; the timers read
    # from a page's text are kept for the next page that carries the same text)
    _untimed, running, _snoozed = await _setup(gql, key)
    before = await gql(PAGE_DUE, key=key)
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    # when: the running ticket is snoozed, its timers paused
    result = await gql(SNOOZE, {"input": {"id": running, "until": until}}, key=key)
    assert result["data"]["snoozeTicket"]["errors"] == []
    after = await gql(PAGE_DUE, key=key)

    # then: the page shows them paused, as the ticket alone does
    def statuses(page):  # type: ignore[no-untyped-def]
        nodes = {node["id"]: node for node in page["data"]["tickets"]["nodes"]}
        return {t["status"] for t in nodes[running]["sla"]}

    assert statuses(before) == {"RUNNING"}
    assert statuses(after) == {"PAUSED"}
    alone = (await gql(ONE, {"id": running}, key=key))["data"]["ticket"]["sla"]
    page_sla = {n["id"]: n["sla"] for n in after["data"]["tickets"]["nodes"]}[running]
    assert page_sla == [{k: t[k] for k in ("metric", "status", "dueAt", "remainingSeconds")}
                        for t in alone]  # fmt: skip
