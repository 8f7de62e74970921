"""Reading both kinds of ticket through the Ticket interface, with every relation."""

from __future__ import annotations

import pytest

from schema.ids import encode_id
from tests.factories import at

pytestmark = pytest.mark.anyio

QUEUE_TICKET = """
query ($id: ID!) {
  ticket(id: $id) {
    __typename id kind state title version createdAt updatedAt closedAt
    contact { name email }
    assignee { name email picture }
    team { name }
    labels { name color }
    messages(first: 5) {
      edges { node { body bodyHtml direction channel status public createdAt author { name }
                     attachments { name url contentType size } } }
      pageInfo { hasNextPage }
    }
    interactions { start end desk waitTime serviceTime line { name } user { name } }
    extra { title value url provider data }
    origin { system externalId rawStatus payload }
    history { edges { node { type fromState toState fromStatus toStatus actor { name } } } }
    ... on QueueTicket {
      queueStatus: status publicId number source firstName lastName phoneNumber email
      languageCode calledAt desk servedAt orderAfter position
      line { name prefix } calledBy { name } assigner { name }
    }
  }
}
"""

HELPDESK_TICKET = """
query ($id: ID!) {
  ticket(id: $id) {
    __typename kind state
    ... on HelpdeskTicket {
      customer { name email phoneNumber language }
      helpdeskStatus: status subject summary channel via circumstance snoozeUntil spam trashedAt
      unread language lastMessageAt lastReceivedMessageAt openedAt ongoingAt lastViewedAt
      externalReference chatId chatIsRemoved isOwnerBlocked pendingChatMessages
      responder { name version }
      satisfaction { score bodyText createdAt sentAt scoredAt }
    }
  }
}
"""


async def test_queue_ticket_with_all_relations(gql, key, factory):
    # given
    line = await factory.line("Front desk", prefix="B")
    clerk = await factory.user("Cleo Clerk", email="cleo@example.com", picture="http://p/c.png")
    boss = await factory.user("Bob Boss")
    team = await factory.team("Walk-ins")
    contact = await factory.contact("Vic Visitor", email="vic@example.com")
    vip = await factory.label("vip", "#ff0000")
    slow = await factory.label("accessibility", "#00ff00")
    ticket = await factory.queue_ticket(
        line,
        "CALLED",
        title="Passport",
        created_at=at(0),
        public_id="B-7",
        number=7,
        source="MICROSITE",
        first_name="Vic",
        last_name="Visitor",
        phone_number="+3725550000",
        email="vic@example.com",
        language_code="et",
        called_at=at(5),
        called_by_id=clerk.id,
        desk=3,
        assignee_id=clerk.id,
        assigner_id=boss.id,
        team_id=team.id,
        contact_id=contact.id,
        origin_system="QMINDER",
        external_id="q-7",
        raw_status="CALLED",
        raw_payload={"id": 7},
    )
    await factory.tag(ticket, vip, slow)
    await factory.message(
        ticket,
        "You are next",
        direction="OUTGOING",
        channel="sms",
        status="DELIVERED",
        author_id=clerk.id,
        created_at=at(4),
        attachments=[
            {"name": "map.png", "url": "http://f/map.png", "content_type": "image/png", "size": 10}
        ],
    )
    await factory.interaction(ticket, at(5), end=at(9), desk=3, line_id=line.id, user_id=clerk.id)
    await factory.extra(ticket, "Visa", value="D", url="http://v", provider="crm", data={"k": 1})
    await factory.events(ticket, "CALLED", actor_id=clerk.id, from_state="OPEN", from_status="NEW")

    # when
    result = await gql(QUEUE_TICKET, {"id": encode_id("Ticket", ticket.id)}, key=key)

    # then
    assert result == {
        "data": {
            "ticket": {
                "__typename": "QueueTicket",
                "id": encode_id("Ticket", ticket.id),
                "kind": "QUEUE",
                "state": "IN_PROGRESS",
                "title": "Passport",
                "version": 1,
                "createdAt": "2024-05-01T09:00:00+00:00",
                "updatedAt": "2024-05-01T09:00:00+00:00",
                "closedAt": None,
                "contact": {"name": "Vic Visitor", "email": "vic@example.com"},
                "assignee": {
                    "name": "Cleo Clerk",
                    "email": "cleo@example.com",
                    "picture": "http://p/c.png",
                },
                "team": {"name": "Walk-ins"},
                "labels": [
                    {"name": "accessibility", "color": "#00ff00"},
                    {"name": "vip", "color": "#ff0000"},
                ],
                "messages": {
                    "edges": [
                        {
                            "node": {
                                "body": "You are next",
                                "bodyHtml": None,
                                "direction": "OUTGOING",
                                "channel": "sms",
                                "status": "DELIVERED",
                                "public": True,
                                "createdAt": "2024-05-01T09:04:00+00:00",
                                "author": {"name": "Cleo Clerk"},
                                "attachments": [
                                    {
                                        "name": "map.png",
                                        "url": "http://f/map.png",
                                        "contentType": "image/png",
                                        "size": 10,
                                    }
                                ],
                            }
                        }
                    ],
                    "pageInfo": {"hasNextPage": False},
                },
                "interactions": [
                    {
                        "start": "2024-05-01T09:05:00+00:00",
                        "end": "2024-05-01T09:09:00+00:00",
                        "desk": 3,
                        "waitTime": 300,
                        "serviceTime": 240,
                        "line": {"name": "Front desk"},
                        "user": {"name": "Cleo Clerk"},
                    }
                ],
                "extra": [
                    {
                        "title": "Visa",
                        "value": "D",
                        "url": "http://v",
                        "provider": "crm",
                        "data": {"k": 1},
                    }
                ],
                "origin": {
                    "system": "QMINDER",
                    "externalId": "q-7",
                    "rawStatus": "CALLED",
                    "payload": {"id": 7},
                },
                "history": {
                    "edges": [
                        {
                            "node": {
                                "type": "CALLED",
                                "fromState": "OPEN",
                                "toState": "IN_PROGRESS",
                                "fromStatus": "NEW",
                                "toStatus": "CALLED",
                                "actor": {"name": "Cleo Clerk"},
                            }
                        }
                    ]
                },
                "queueStatus": "CALLED",
                "publicId": "B-7",
                "number": 7,
                "source": "MICROSITE",
                "firstName": "Vic",
                "lastName": "Visitor",
                "phoneNumber": "+3725550000",
                "email": "vic@example.com",
                "languageCode": "et",
                "calledAt": "2024-05-01T09:05:00+00:00",
                "desk": 3,
                "servedAt": None,
                "orderAfter": None,
                "position": None,
                "line": {"name": "Front desk", "prefix": "B"},
                "calledBy": {"name": "Cleo Clerk"},
                "assigner": {"name": "Bob Boss"},
            }
        }
    }


async def test_helpdesk_ticket_fields(gql, key, factory):
    # given: a Zaia hand-over with a Gorgias-style survey
    customer = await factory.contact(
        "Cara", email="cara@example.com", phone_number="+1555", language="en"
    )
    ticket = await factory.helpdesk_ticket(
        "ONGOING",
        contact_id=customer.id,
        subject="Refund",
        summary="Wants money back",
        channel="chat",
        via="zaia",
        circumstance="HANDOVER",
        unread=True,
        language="en",
        last_message_at=at(3),
        last_received_message_at=at(2),
        opened_at=at(1),
        ongoing_at=at(2),
        last_viewed_at=at(4),
        external_reference="ext-9",
        chat_id="chat-1",
        chat_is_removed=False,
        is_owner_blocked=True,
        pending_chat_messages=2,
        responder_name="Zaia bot",
        responder_version=4,
        satisfaction={
            "score": 5,
            "body_text": "Great",
            "created_datetime": "2024-05-01T10:00:00+00:00",
            "sent_datetime": "2024-05-01T10:01:00+00:00",
            "scored_datetime": "2024-05-01T10:02:00+00:00",
        },
    )

    # when
    result = await gql(HELPDESK_TICKET, {"id": encode_id("Ticket", ticket.id)}, key=key)

    # then
    assert result == {
        "data": {
            "ticket": {
                "__typename": "HelpdeskTicket",
                "kind": "HELPDESK",
                "state": "IN_PROGRESS",
                "customer": {
                    "name": "Cara",
                    "email": "cara@example.com",
                    "phoneNumber": "+1555",
                    "language": "en",
                },
                "helpdeskStatus": "ONGOING",
                "subject": "Refund",
                "summary": "Wants money back",
                "channel": "chat",
                "via": "zaia",
                "circumstance": "HANDOVER",
                "snoozeUntil": None,
                "spam": False,
                "trashedAt": None,
                "unread": True,
                "language": "en",
                "lastMessageAt": "2024-05-01T09:03:00+00:00",
                "lastReceivedMessageAt": "2024-05-01T09:02:00+00:00",
                "openedAt": "2024-05-01T09:01:00+00:00",
                "ongoingAt": "2024-05-01T09:02:00+00:00",
                "lastViewedAt": "2024-05-01T09:04:00+00:00",
                "externalReference": "ext-9",
                "chatId": "chat-1",
                "chatIsRemoved": False,
                "isOwnerBlocked": True,
                "pendingChatMessages": 2,
                "responder": {"name": "Zaia bot", "version": 4},
                "satisfaction": {
                    "score": 5,
                    "bodyText": "Great",
                    "createdAt": "2024-05-01T10:00:00+00:00",
                    "sentAt": "2024-05-01T10:01:00+00:00",
                    "scoredAt": "2024-05-01T10:02:00+00:00",
                },
            }
        }
    }


MESSAGES_PAGE = """
query ($id: ID!, $after: String) {
  ticket(id: $id) {
    messages(first: 2, after: $after) {
      edges { cursor node { body } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

POSITIONS = """
{ tickets(orderBy: {field: CREATED_AT, direction: ASC}) {
    nodes { ... on QueueTicket { publicId position } } } }
"""


async def test_messages_are_paged_oldest_first(gql, key, factory):
    # given
    ticket = await factory.helpdesk_ticket()
    for minute, body in ((3, "third"), (1, "first"), (2, "second")):
        await factory.message(ticket, body, created_at=at(minute))
    deleted = await factory.message(ticket, "gone", created_at=at(0), deleted_at=at(5))
    assert deleted.id
    tid = encode_id("Ticket", ticket.id)

    # when
    first = await gql(MESSAGES_PAGE, {"id": tid}, key=key)
    page = first["data"]["ticket"]["messages"]
    rest = await gql(MESSAGES_PAGE, {"id": tid, "after": page["pageInfo"]["endCursor"]}, key=key)

    # then
    assert [e["node"]["body"] for e in page["edges"]] == ["first", "second"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest_page = rest["data"]["ticket"]["messages"]
    assert [e["node"]["body"] for e in rest_page["edges"]] == ["third"]
    assert rest_page["pageInfo"]["hasNextPage"] is False


async def test_position_counts_waiting_tickets_of_the_same_line(gql, key, factory):
    # given
    line, other = await factory.line("A"), await factory.line("B")
    await factory.queue_ticket(line, public_id="A-1", created_at=at(1))
    await factory.queue_ticket(line, "CALLED", public_id="A-2", created_at=at(2))
    await factory.queue_ticket(other, public_id="B-1", created_at=at(3))
    # reordered to the front of its line
    await factory.queue_ticket(line, public_id="A-3", created_at=at(4), queue_key=at(0))

    # when
    result = await gql(POSITIONS, key=key)

    # then
    assert result == {
        "data": {
            "tickets": {
                "nodes": [
                    {"publicId": "A-1", "position": 2},
                    {"publicId": "A-2", "position": None},
                    {"publicId": "B-1", "position": 1},
                    {"publicId": "A-3", "position": 1},
                ]
            }
        }
    }
