"""Subscription root parts (merged by schema.root): one module per subscription field."""

from schema.subscriptions.ticket_events import TicketEventsSubscription
from schema.subscriptions.ticket_status_changed import TicketStatusChangedSubscription

SUBSCRIPTIONS: list[type] = [TicketEventsSubscription, TicketStatusChangedSubscription]
