"""Vendor tickets keep SLA timers too: the webhook path (one upsert), the batch path of an
import (bulk-inserted rows), and history (a ticket that arrives already answered or served)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import Ticket
from app.domain.enums import Role, TicketKind
from app.domain.principal import Principal
from app.ingest import ingest
from app.ingest.connectors import CONNECTORS
from app.ingest.importer import import_file
from app.live.service_env import ServiceEnv
from app.sla.scan import announce_due
from app.sla.setup import PolicyInput, create_policy
from tests.ingest.helpers import fixture
from tests.sla.helpers import due_of, sla_events, timers_of

pytestmark = pytest.mark.anyio

CREATED = datetime(2019, 7, 5, 14, 42, 0, 384938, tzinfo=UTC)  # the Gorgias fixture's
REPLIED = datetime(2020, 1, 27, 10, 42, 21, 468912, tzinfo=UTC)  # its agent's message


async def _policies(env: ServiceEnv, new) -> None:  # type: ignore[no-untyped-def]
    admin = Principal(new.workspace.id, new.admin.id, Role.ADMIN, 0)
    await create_policy(
        env,
        admin,
        PolicyInput(
            "help",
            kinds=[TicketKind.HELPDESK],
            first_response_seconds=3600,
            resolution_seconds=86400,
            warn_before_seconds=600,
        ),
    )
    await create_policy(
        env,
        admin,
        PolicyInput(
            "queue", kinds=[TicketKind.QUEUE], max_wait_seconds=300, resolution_seconds=900
        ),
    )


async def test_a_webhook_ticket_starts_at_its_vendor_creation_time(db, workspace):
    env = ServiceEnv(db)
    await _policies(env, workspace)
    record = CONNECTORS["gorgias"].normalize(fixture("gorgias_ticket"), now=datetime.now(UTC))
    result = await ingest(env, workspace.workspace.id, record)
    timers = await timers_of(env, result.ticket_id)
    # Answered long ago: history, stopped at the reply, with no events of its own.
    first = timers["FIRST_RESPONSE"]
    assert (first.status, first.started_at, first.stopped_at) == ("BREACHED", CREATED, REPLIED)
    # Still open: running since creation, overdue; the next scan announces it.
    resolution = timers["RESOLUTION"]
    assert (resolution.status, resolution.due_at) == ("RUNNING", CREATED + timedelta(days=1))
    assert await due_of(env, result.ticket_id) == CREATED + timedelta(days=1)
    assert await sla_events(env, result.ticket_id) == []
    assert await announce_due(env, workspace_id=workspace.workspace.id) == 2
    assert await sla_events(env, result.ticket_id) == [
        ("SLA_WARNING", "RESOLUTION", 1),
        ("SLA_BREACHED", "RESOLUTION", 1),
    ]


async def test_an_import_batch_keeps_timers_on_bulk_inserted_tickets(db, workspace):
    env = ServiceEnv(db)
    await _policies(env, workspace)
    items = [fixture("gorgias_ticket") | {"id": i} for i in range(1, 6)] + [fixture("qminder_v1")]
    data = "\n".join(json.dumps(i) for i in items[:5]).encode()
    summary = await import_file(env, workspace.workspace.id, "gorgias", io.BytesIO(data))
    assert summary.created == 5
    summary = await import_file(
        env, workspace.workspace.id, "qminder", io.BytesIO(json.dumps(items[5]).encode())
    )
    assert summary.created == 1
    async with db.read_session() as session:
        rows = (
            (
                await session.execute(
                    select(Ticket).where(Ticket.workspace_id == workspace.workspace.id)
                )
            )
            .scalars()
            .all()
        )
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    for row in by_kind["HELPDESK"]:
        statuses = {m: t.status for m, t in (await timers_of(env, row.id)).items()}
        assert statuses == {"FIRST_RESPONSE": "BREACHED", "RESOLUTION": "RUNNING"}
        assert row.sla_due_at == CREATED + timedelta(days=1)
    # A served Qminder ticket: called after 110 s (wait met), served 9.5 min after creation.
    (queue,) = by_kind["QUEUE"]
    timers = await timers_of(env, queue.id)
    assert {m: t.status for m, t in timers.items()} == {"WAIT": "MET", "RESOLUTION": "MET"}
    assert timers["WAIT"].elapsed_us == 110 * 10**6
