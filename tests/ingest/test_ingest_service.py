"""The ingest service: upsert by vendor id, replays and older payloads change nothing, newer
payloads append the events their changes imply, child lists never duplicate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.db import Contact, Label, Line, Message, Team, Ticket, TicketEvent, User
from app.ingest import ingest, ingest_many
from app.ingest.connectors import CONNECTORS
from app.live.service_env import ServiceEnv
from tests.ingest.helpers import by_external, children, count, events, fixture, ticket

pytestmark = pytest.mark.anyio

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def qminder(payload):
    return CONNECTORS["qminder"].normalize(payload)


def gorgias(payload, now=NOW):
    return CONNECTORS["gorgias"].normalize(payload, now=now)


def zaia(payload):
    return CONNECTORS["zaia"].normalize(payload)


async def test_gorgias_seed_reads_back_with_every_field(db, workspace):
    ws = workspace.workspace.id
    payload = fixture("gorgias_ticket")
    result = await ingest(ServiceEnv(db), ws, gorgias(payload))
    assert result.result == "created"
    t = await ticket(db, result.ticket_id)
    assert (t.kind, t.status, t.state, t.raw_status) == ("HELPDESK", "OPEN", "OPEN", "open")
    assert (t.origin_system, t.external_id, t.external_reference) == (
        "GORGIAS",
        "123",
        "RETURN#4213",
    )
    assert (t.subject, t.title, t.channel, t.via, t.language) == (
        "Can I get a refund?",
        "Can I get a refund?",
        "email",
        "email",
        "fr",
    )
    assert t.unread is True and t.spam is False and t.trashed_at is None
    assert t.created_at == datetime(2019, 7, 5, 14, 42, 0, 384938, tzinfo=UTC)
    assert t.opened_at == datetime(2019, 7, 5, 15, 22, 46, 472436, tzinfo=UTC)
    assert t.last_message_at == datetime(2020, 2, 1, 19, 12, 32, 432197, tzinfo=UTC)
    assert t.last_received_message_at == datetime(2020, 1, 27, 10, 42, 21, 468912, tzinfo=UTC)
    assert t.vendor_updated_at == datetime(2020, 1, 27, 10, 42, 21, 932637, tzinfo=UTC)
    assert t.satisfaction["score"] == 2
    assert t.satisfaction["body_text"] == "Such speed, much pertinent."
    assert t.satisfaction["scored_at"] == "2019-11-25T15:59:41.966927+00:00"
    assert t.satisfaction["uri"] == "/api/satisfaction-surveys/1234/"
    assert t.vendor_data["events"][0]["type"] == "ticket-closed"
    assert t.vendor_data["uri"] == "/api/tickets/123/"
    assert t.vendor_data["meta"] == {}
    assert t.vendor_data["tags"][0]["usage"] == 123
    assert t.raw_payload == payload
    async with db.read_session() as s:
        contact = await s.get(Contact, t.contact_id)
    assert (contact.external_id, contact.name, contact.first_name, contact.last_name) == (
        "3924",
        "John Smith",
        "John",
        "Smith",
    )
    assert (contact.email, contact.language, contact.timezone, contact.note) == (
        "john@example.com",
        "fr",
        "UTC",
        "Our best customer.",
    )
    assert contact.data["data"] == {"city": "San Francisco"}
    assert contact.data["integrations"]["6"]["__integration_type__"] == "shopify"
    kids = await children(db, t.id)
    assert kids["labels"] == ["urgent"]
    [message] = kids["messages"]
    assert (message.external_id, message.direction, message.channel, message.via) == (
        "924712",
        "OUTGOING",
        "email",
        "api",
    )
    assert message.subject == "Re:Refund request"
    assert message.body.startswith("Hello,\n\n") and message.body_html.startswith("Hello,<br>")
    assert message.sender == {"id": 7} and message.receiver == {"id": 8}
    assert message.external_reference == "MSG-78545"
    assert message.routing["from"]["address"] == "sender@example.com"
    author = await by_external(db, User, ws, "7")
    # The routing's `from` is a mailbox, not the agent: the user is named by its sender only.
    assert message.author_id == author.id
    assert (author.name, author.email) == ("Gorgias user 7", None)
    async with db.read_session() as s:
        label = (await s.execute(Label.__table__.select().where(Label.workspace_id == ws))).one()
    assert (label.name, label.color, label.description) == (
        "urgent",
        "#F58D86",
        "Mark a ticket as urgent",
    )
    assert await events(db, ws) == [("CREATED", None, "OPEN")]


async def test_same_payload_twice_changes_nothing(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    first = await ingest(env, ws, gorgias(fixture("gorgias_ticket")))
    before = await ticket(db, first.ticket_id)
    again = await ingest(env, ws, gorgias(fixture("gorgias_ticket")))
    assert (again.result, again.ticket_id) == ("unchanged", first.ticket_id)
    after = await ticket(db, first.ticket_id)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert await events(db, ws) == [("CREATED", None, "OPEN")]
    assert await count(db, Message, ws) == 1
    assert await count(db, Contact, ws) == 1


async def test_older_payload_is_ignored_and_newer_one_updates(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    payload = fixture("gorgias_ticket")
    created = await ingest(env, ws, gorgias(payload))
    older = fixture("gorgias_ticket") | {
        "status": "closed",
        "updated_datetime": "2020-01-01T00:00:00",
    }
    assert (await ingest(env, ws, gorgias(older))).result == "unchanged"
    newer = fixture("gorgias_ticket") | {
        "status": "closed",
        "closed_datetime": "2020-02-02T10:00:00",
        "updated_datetime": "2020-02-02T10:00:00",
    }
    assert (await ingest(env, ws, gorgias(newer))).result == "updated"
    t = await ticket(db, created.ticket_id)
    assert (t.status, t.state, t.raw_status, t.version) == ("CLOSED", "RESOLVED", "closed", 2)
    assert t.raw_payload == newer
    assert await events(db, ws) == [("CREATED", None, "OPEN"), ("COMPLETED", "OPEN", "CLOSED")]
    reopened = newer | {
        "status": "open",
        "closed_datetime": None,
        "updated_datetime": "2020-02-03T10:00:00",
    }
    await ingest(env, ws, gorgias(reopened))
    assert (await events(db, ws))[-1] == ("REOPENED", "CLOSED", "OPEN")


async def test_gorgias_closed_with_future_snooze_is_snoozed(db, workspace):
    ws = workspace.workspace.id
    payload = fixture("gorgias_ticket") | {
        "status": "closed",
        "snooze_datetime": "2024-06-02T09:00:00",
    }
    result = await ingest(ServiceEnv(db), ws, gorgias(payload))
    t = await ticket(db, result.ticket_id)
    assert (t.status, t.state, t.raw_status) == ("SNOOZED", "PENDING", "closed")
    assert t.snooze_until == datetime(2024, 6, 2, 9, 0, tzinfo=UTC)
    past = fixture("gorgias_ticket") | {
        "status": "closed",
        "snooze_datetime": "2024-05-01T09:00:00",
    }
    t2 = await ticket(db, (await ingest(ServiceEnv(db), ws, gorgias(past | {"id": 124}))).ticket_id)
    assert (t2.status, t2.state) == ("CLOSED", "RESOLVED")


async def test_spam_and_trash_cancel_and_restore(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    base = fixture("gorgias_ticket")
    created = await ingest(env, ws, gorgias(base))
    spam = base | {"spam": True, "updated_datetime": "2020-02-01T00:00:00"}
    await ingest(env, ws, gorgias(spam))
    t = await ticket(db, created.ticket_id)
    assert (t.status, t.state, t.spam) == ("OPEN", "CANCELLED", True)
    trashed = spam | {
        "trashed_datetime": "2020-02-02T00:00:00",
        "updated_datetime": "2020-02-02T00:00:00",
    }
    await ingest(env, ws, gorgias(trashed))
    restored = base | {"updated_datetime": "2020-02-03T00:00:00"}
    await ingest(env, ws, gorgias(restored))
    t = await ticket(db, created.ticket_id)
    assert (t.state, t.spam, t.trashed_at) == ("OPEN", False, None)
    assert [e[0] for e in await events(db, ws)] == ["CREATED", "MARKED_SPAM", "TRASHED", "RESTORED"]


QMINDER_NEW = {
    "id": "9001",
    "number": 7,
    "publicId": "B-7",
    "status": "NEW",
    "source": "MANUAL",
    "line": 555,
    "firstName": "Ada",
    "lastName": "Lovelace",
    "created": {"date": "2024-05-02T09:00:00Z"},
    "labels": [{"value": "VIP", "color": "FF4136"}],
}


async def test_qminder_new_called_served_sequence(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    created = await ingest(env, ws, qminder(QMINDER_NEW), event_hint="ticket_created")
    called = QMINDER_NEW | {
        "status": "CALLED",
        "called": {"date": "2024-05-02T09:10:00Z", "caller": 42, "desk": 3},
    }
    assert (await ingest(env, ws, qminder(called), event_hint="ticket_called")).result == "updated"
    served = called | {"status": "SERVED", "served": {"date": "2024-05-02T09:20:00Z"}}
    served.pop("called")
    assert (await ingest(env, ws, qminder(served), event_hint="ticket_served")).result == "updated"
    assert await events(db, ws) == [
        ("CREATED", None, "NEW"),
        ("CALLED", "NEW", "CALLED"),
        ("SERVED", "CALLED", "SERVED"),
    ]
    t = await ticket(db, created.ticket_id)
    assert (t.status, t.state, t.number, t.public_id, t.source) == (
        "SERVED",
        "RESOLVED",
        7,
        "B-7",
        "MANUAL",
    )
    line = await by_external(db, Line, ws, "555")
    assert (t.line_id, line.name) == (line.id, "Line 555")
    caller = await by_external(db, User, ws, "42")
    [interaction] = (await children(db, t.id))["interactions"]
    assert (interaction.start, interaction.end) == (
        datetime(2024, 5, 2, 9, 10, tzinfo=UTC),
        datetime(2024, 5, 2, 9, 20, tzinfo=UTC),
    )
    assert (interaction.desk, interaction.user_id, interaction.line_id) == (3, caller.id, line.id)


async def test_qminder_recall_webhook_is_an_event_even_when_unchanged(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    called = QMINDER_NEW | {"status": "CALLED", "called": {"date": "2024-05-02T09:10:00Z"}}
    await ingest(env, ws, qminder(called))
    result = await ingest(env, ws, qminder(called), event_hint="ticket_recalled")
    assert result.result == "updated"
    replay = await ingest(env, ws, qminder(called), event_hint="ticket_called")
    assert replay.result == "unchanged"
    assert [e[0] for e in await events(db, ws)] == ["CREATED", "RECALLED"]


async def test_qminder_legacy_cancelled_and_return_to_queue(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    called = QMINDER_NEW | {"status": "CALLED", "called": {"date": "2024-05-02T09:10:00Z"}}
    await ingest(env, ws, qminder(called))
    # The return shows in the payload's dates: the interaction it ended.
    returned = QMINDER_NEW | {
        "interactions": [{"start": "2024-05-02T09:10:00Z", "end": "2024-05-02T09:12:00Z"}]
    }
    await ingest(env, ws, qminder(returned))
    cancelled = returned | {"status": "CANCELLED", "cancelled": {"date": "2024-05-02T09:15:00Z"}}
    result = await ingest(env, ws, qminder(cancelled))
    t = await ticket(db, result.ticket_id)
    assert (t.status, t.state, t.raw_status) == ("CANCELLED_BY_CLERK", "CANCELLED", "CANCELLED")
    assert t.closed_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert [e[0] for e in await events(db, ws)] == ["CREATED", "RETURNED_TO_QUEUE", "CANCELLED"]
    [interaction] = (await children(db, t.id))["interactions"]
    assert interaction.end == datetime(2024, 5, 2, 9, 12, tzinfo=UTC)


async def test_child_replays_never_duplicate(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    payload = fixture("qminder_v1")
    first = await ingest(env, ws, qminder(payload))
    for _ in range(2):
        assert (await ingest(env, ws, qminder(fixture("qminder_v1")))).result == "unchanged"
    kids = await children(db, first.ticket_id)
    assert [m.body for m in kids["messages"]] == ["It's your turn!", "Thank you!"]
    assert [(m.direction, m.status, m.channel) for m in kids["messages"]] == [
        ("OUTGOING", "SENT", "sms"),
        ("INCOMING", "NEW", "sms"),
    ]
    assert len(kids["interactions"]) == 1
    assert [(e.title, e.url is not None) for e in kids["extra"]] == [("Website", True)]
    assert kids["labels"] == ["VIP"]
    assert [e[0] for e in await events(db, ws)] == ["CREATED"]
    # A new message and a label removed: the list is authoritative.
    changed = fixture("qminder_v1")
    changed["messages"].append(
        {
            "created": {"date": "2017-04-18T10:00:00Z"},
            "body": "Bye",
            "type": "OUTGOING",
            "status": "SENT",
        }
    )
    changed["labels"] = []
    assert (await ingest(env, ws, qminder(changed))).result == "updated"
    kids = await children(db, first.ticket_id)
    assert len(kids["messages"]) == 3 and kids["labels"] == []
    async with db.read_session() as s:
        from sqlalchemy import select

        last = (
            await s.execute(
                select(TicketEvent)
                .where(TicketEvent.workspace_id == ws)
                .order_by(TicketEvent.seq.desc())
                .limit(1)
            )
        ).scalar_one()
    assert last.type == "UPDATED"
    assert last.changes == {"messages": [2, 3], "labels": [["VIP"], []]}


async def test_referenced_people_are_created_once(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    records = []
    for n in range(3):
        payload = fixture("zaia_ticket") | {"id": f"00000000-0000-4000-8000-00000000000{n}"}
        records.append(zaia(payload))
    results = await ingest_many(env, ws, records)
    assert [r.result for r in results] == ["created"] * 3
    assert await count(db, Team, ws) == 1
    assert await count(db, Contact, ws) == 1
    # The admin user of the workspace plus the one assignee.
    assert await count(db, User, ws) == 2
    assignee = await by_external(db, User, ws, "7f1d2c3b-4a59-4e68-8d7c-6b5a49382716")
    assert (assignee.name, assignee.email, assignee.picture) == (
        "Ana Agent",
        "ana@example.com",
        "https://cdn.example.com/ana.png",
    )
    t = await ticket(db, results[0].ticket_id)
    assert (t.status, t.state, t.responder_name, t.responder_version) == (
        "ONGOING",
        "IN_PROGRESS",
        "Zaia Support Bot",
        7,
    )
    assert (t.summary, t.chat_id, t.pending_chat_messages, t.channel) == (
        "Customer wants to change the delivery address of order #1042.",
        "9e8d7c6b-5a49-4382-a716-f0e1d2c3b4a5",
        2,
        "WEB",
    )
    assert t.vendor_data["responderEntity"] == "AGENT"
    assert t.assignee_id == assignee.id


async def test_zaia_status_changes_imply_events(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    pending = fixture("zaia_ticket") | {"status": "PENDING", "ongoingAt": None, "assigneeId": None}
    await ingest(env, ws, zaia(pending))
    await ingest(env, ws, zaia(fixture("zaia_ticket")))
    done = fixture("zaia_ticket") | {"status": "Completed", "completedAt": "2025-03-10T15:00:00Z"}
    result = await ingest(env, ws, zaia(done))
    t = await ticket(db, result.ticket_id)
    assert (t.status, t.state) == ("CLOSED", "RESOLVED")
    assert [e[0] for e in await events(db, ws)] == [
        "CREATED",
        "TAKEN_OVER",
        "ASSIGNED",
        "COMPLETED",
    ]


async def test_one_bad_record_is_rejected_whole(db, workspace):
    ws = workspace.workspace.id
    good = gorgias(fixture("gorgias_ticket"))
    bad = gorgias(fixture("gorgias_ticket") | {"id": 999})
    # The ticket row is written first; its message then violates NOT NULL at flush.
    bad.messages[0].direction = None
    other = gorgias(fixture("gorgias_ticket") | {"id": 1000})
    results = await ingest_many(ServiceEnv(db), ws, [good, bad, other])
    assert [r.result for r in results] == ["created", "rejected", "created"]
    assert await count(db, Ticket, ws) == 2
    assert [e[0] for e in await events(db, ws)] == ["CREATED", "CREATED"]
    assert await by_external(db, Ticket, ws, "999") is None
