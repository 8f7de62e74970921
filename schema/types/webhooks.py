"""Outbound webhooks as the admin API shows them: endpoints and their delivery attempts."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from app.context import Info
from app.db import WebhookEndpoint as EndpointRow
from app.domain.cursors import encode_event_cursor
from app.loaders import DeliveryPageKey
from app.webhooks.filters import filter_from_json
from schema import docs
from schema.enums import TicketEventType, TicketKind, TicketState
from schema.errors import bad_user_input, check_page_size
from schema.ids import TICKET, encode_id, opaque_pk
from schema.types.pagination import PageInfo

WEBHOOK_ENDPOINT = "WebhookEndpoint"
WEBHOOK_DELIVERY = "WebhookDelivery"
_DELIVERY_CURSOR = "wd1:"


def endpoint_pk(value: str, field: str = "id") -> int:
    """The key of a WebhookEndpoint id (not a Node: endpoints are reached through
    webhookEndpoints)."""
    return opaque_pk(value, WEBHOOK_ENDPOINT, "Webhook endpoint", field)


def _delivery_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"{_DELIVERY_CURSOR}{pk}".encode()).decode().rstrip("=")


def _delivery_pk(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        digits = text.removeprefix(_DELIVERY_CURSOR)
        if text.startswith(_DELIVERY_CURSOR) and digits.isascii() and digits.isdigit():
            return int(digits)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise bad_user_input("'after' is not a cursor of this list.")


@strawberry.enum(description="Whether an endpoint receives events.")
class WebhookEndpointStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Events are delivered.")
    PAUSED = strawberry.enum_value(
        "PAUSED",
        description=(
            "Stopped after TICKETGW_WEBHOOK_MAX_FAILURES consecutive failures; "
            "resumeWebhookEndpoint continues after the last acknowledged event."
        ),
    )
    DISABLED = strawberry.enum_value(
        "DISABLED",
        description=(
            "The receiver answered 410 Gone; resumeWebhookEndpoint turns it back on, "
            "from where it stopped."
        ),
    )


@strawberry.type(
    description="Which events an endpoint receives: the TicketEventFilter it was given."
)
class WebhookFilter:
    kinds: list[TicketKind] = strawberry.field(description="Ticket kinds; empty for both.")
    ticket_ids: list[strawberry.ID] = strawberry.field(
        description="Only these tickets (`Ticket.id`); empty for every ticket."
    )
    line_ids: list[strawberry.ID] = strawberry.field(
        description="Only tickets now in these lines; empty for no condition."
    )
    team_ids: list[strawberry.ID] = strawberry.field(
        description="Only tickets now routed to these teams; empty for no condition."
    )
    assignee_ids: list[strawberry.ID] = strawberry.field(
        description="Only tickets now assigned to these users; empty for no condition."
    )
    states: list[TicketState] = strawberry.field(
        description="Only events whose state after the change is one of these; empty: any."
    )
    types: list[TicketEventType] = strawberry.field(
        description="Only events of these types; empty for every type."
    )


@strawberry.type(description="One attempt to deliver one event to an endpoint.")
class WebhookDelivery:
    row: strawberry.Private[Any]  # a webhook_delivery record (app.loaders.webhooks)

    @strawberry.field(description="Opaque ID of the attempt.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(WEBHOOK_DELIVERY, self.row.id))

    @strawberry.field(
        description="The event's cursor (also the `webhook-id` header the receiver got)."
    )
    def event_cursor(self) -> str:
        return encode_event_cursor(self.row.event_seq)

    @strawberry.field(description="The event's type (also the `Ticketgw-Event` header).")
    def event_type(self) -> TicketEventType:
        return TicketEventType(self.row.event_type)

    @strawberry.field(description="1 for the first attempt at this event, 2 for its first retry...")
    def attempt(self) -> int:
        return self.row.attempt

    @strawberry.field(description="True when the receiver answered 2xx (acknowledged).")
    def succeeded(self) -> bool:
        return self.row.succeeded

    @strawberry.field(
        description="The HTTP status the receiver answered; null when there was no answer."
    )
    def response_status(self) -> int | None:
        return self.row.response_status

    @strawberry.field(
        description=(
            "Why it failed: a timeout, a refused address, a connection error, or the start of "
            "the answer's body; null on success."
        )
    )
    def error(self) -> str | None:
        return self.row.error

    @strawberry.field(description="How long the attempt took, in milliseconds.")
    def duration_ms(self) -> int:
        return self.row.duration_ms

    @strawberry.field(description="When the attempt was made (UTC).")
    def at(self) -> datetime:
        return self.row.at

    @strawberry.field(
        description=(
            "When the event is tried again after this failure (UTC); null after a success, "
            "and when the endpoint was paused or disabled by it."
        )
    )
    def next_attempt_at(self) -> datetime | None:
        return self.row.next_attempt_at


@strawberry.type(description="One delivery attempt of a page, with its cursor.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description=docs.EDGE_CURSOR)
    node: WebhookDelivery = strawberry.field(description="The attempt.")


@strawberry.type(description="A page of delivery attempts, newest first.")
class WebhookDeliveryConnection:
    rows: strawberry.Private[list[Any]]
    has_next: strawberry.Private[bool]

    @strawberry.field(description=docs.EDGES)
    def edges(self) -> list[WebhookDeliveryEdge]:
        return [
            WebhookDeliveryEdge(cursor=_delivery_cursor(r.id), node=WebhookDelivery(row=r))
            for r in self.rows
        ]

    @strawberry.field(description=docs.NODES)
    def nodes(self) -> list[WebhookDelivery]:
        return [WebhookDelivery(row=r) for r in self.rows]

    @strawberry.field(description=docs.PAGE_INFO)
    def page_info(self) -> PageInfo:
        return PageInfo.of_rows(
            self.rows, lambda row: _delivery_cursor(row.id), has_next=self.has_next
        )


@strawberry.type(
    description=(
        "A URL that receives the workspace's ticket events by HTTP POST, signed by the Standard "
        "Webhooks specification, in cursor order, at least once."
    )
)
class WebhookEndpoint:
    row: strawberry.Private[EndpointRow]

    @strawberry.field(description="Opaque ID of the endpoint (pass it to the webhook mutations).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(WEBHOOK_ENDPOINT, self.row.id))

    @strawberry.field(description="Where events are POSTed.")
    def url(self) -> str:
        return self.row.url

    @strawberry.field(description="What it is for, in your words; may be empty.")
    def description(self) -> str:
        return self.row.description

    @strawberry.field(
        description="False while switched off by updateWebhookEndpoint(enabled: false)."
    )
    def enabled(self) -> bool:
        return self.row.enabled

    @strawberry.field(description="Whether events are delivered, or why not.")
    def status(self) -> WebhookEndpointStatus:
        return WebhookEndpointStatus(self.row.status)

    @strawberry.field(description="Which events it receives.")
    def filter(self) -> WebhookFilter:
        f = filter_from_json(self.row.filter)
        return WebhookFilter(
            kinds=list(f.kinds),
            ticket_ids=[strawberry.ID(encode_id(TICKET, pk)) for pk in f.ticket_ids],
            line_ids=[strawberry.ID(encode_id("Line", pk)) for pk in f.line_ids],
            team_ids=[strawberry.ID(encode_id("Team", pk)) for pk in f.team_ids],
            assignee_ids=[strawberry.ID(encode_id("User", pk)) for pk in f.assignee_ids],
            states=list(f.states),
            types=[TicketEventType(t) for t in f.types],
        )

    @strawberry.field(
        description=(
            "The cursor of the last event the receiver acknowledged (or skipped by the filter): "
            "delivery continues after it."
        )
    )
    def last_delivered_cursor(self) -> str:
        return encode_event_cursor(self.row.last_delivered_seq)

    @strawberry.field(
        description="Failed attempts in a row at the current event; 0 after each success."
    )
    def consecutive_failures(self) -> int:
        return self.row.consecutive_failures

    @strawberry.field(description=docs.CREATED_AT)
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description="Its delivery attempts, newest first.")
    async def deliveries(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=docs.first(20))] = 20,
        after: Annotated[str | None, strawberry.argument(description=docs.AFTER)] = None,
    ) -> WebhookDeliveryConnection:
        check_page_size(first, "first")
        before_id = None if after is None else _delivery_pk(after)
        key = DeliveryPageKey(self.row.id, first or 20, before_id)
        page = await info.context.loaders.webhook_deliveries.load(key)
        return WebhookDeliveryConnection(rows=page.rows, has_next=page.has_next_page)
