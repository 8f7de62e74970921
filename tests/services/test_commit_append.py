"""The events' literal in the numbering message (app.live.commit_append): whatever text the
events carry, quotes and dollar-quote tags included, arrives as it was written."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.db import Ticket, TicketEvent
from app.domain.enums import EventType, HelpdeskStatus, TicketKind
from app.live.commit_append import message
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import snapshot, unit_of_work

pytestmark = pytest.mark.anyio

TRICKY = "it's $events$ and $numbering$; COMMIT; DROP TABLE ticket_event; -- \\ \" %"


def test_the_literals_tags_never_occur_in_what_they_quote():
    text = message(1, 1, '[{"title": "$events$ $events1$ $numbering$"}]', sla_known=True)
    assert text.startswith("DO $numbering1$ DECLARE") and text.endswith(
        "$numbering1$; COMMIT; BEGIN"
    )
    assert "CAST($events2$[" in text


async def test_an_events_text_is_stored_exactly(db, workspace):
    ws = workspace.workspace.id
    async with unit_of_work(ServiceEnv(db), ws, workspace.admin.id, serial=False) as uow:
        ticket = Ticket(
            workspace_id=ws, kind=TicketKind.HELPDESK, status=HelpdeskStatus.OPEN, state="OPEN"
        )
        await uow.record(ticket, EventType.CREATED, None)
        before = snapshot(ticket)
        ticket.subject = TRICKY
        await uow.record(ticket, EventType.UPDATED, before)
    async with db.read_session() as session:
        stmt = select(TicketEvent).where(TicketEvent.workspace_id == ws).order_by(TicketEvent.seq)
        events = list((await session.execute(stmt)).scalars())
    assert [e.seq for e in events] == [1, 2]
    assert events[1].changes == {"subject": [None, TRICKY]}
    assert uow.last_seq == 2


async def test_a_session_that_hides_notices_still_numbers_and_commits(db, workspace):
    # The last seq comes back as a NOTICE: a role or database that sets client_min_messages
    # above it (a common way to quiet logs) must not turn a committed write into an error.
    if db.is_sqlite:
        pytest.skip("the one-message commit and its NOTICE are PostgreSQL's")
    ws = workspace.workspace.id
    async with unit_of_work(ServiceEnv(db), ws, workspace.admin.id, serial=False) as uow:
        await uow.session.execute(text("SET LOCAL client_min_messages TO warning"))
        ticket = Ticket(
            workspace_id=ws, kind=TicketKind.HELPDESK, status=HelpdeskStatus.OPEN, state="OPEN"
        )
        await uow.record(ticket, EventType.CREATED, None)
    assert uow.last_seq == 1
    async with db.read_session() as session:
        stmt = select(TicketEvent.seq).where(TicketEvent.workspace_id == ws)
        assert list((await session.execute(stmt)).scalars()) == [1]
