"""Subscription root parts (merged by schema.root): one module per subscription field."""

from schema.subscriptions.queue_board_changed import QueueBoardChangedSubscription
from schema.subscriptions.ticket_events import TicketEventsSubscription
from schema.subscriptions.ticket_status_changed import TicketStatusChangedSubscription

SUBSCRIPTIONS: list[type] = [
    TicketEventsSubscription,
    TicketStatusChangedSubscription,
    QueueBoardChangedSubscription,
]
