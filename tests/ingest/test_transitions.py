"""Which event a vendor status change implies (pure rules, whole table)."""

from __future__ import annotations

import pytest

from app.domain.enums import EventType
from app.ingest.transitions import flag_events, rest_event, status_event

Q, H = "QUEUE", "HELPDESK"


@pytest.mark.parametrize(
    ("kind", "old", "new", "line_changed", "hint", "expected"),
    [
        (Q, "NEW", "CALLED", False, None, EventType.CALLED),
        (Q, "CALLED", "SERVED", False, None, EventType.SERVED),
        (Q, "CALLED", "NOSHOW", False, None, EventType.NO_SHOW),
        (Q, "NEW", "CANCELLED_BY_CLERK", False, None, EventType.CANCELLED),
        (Q, "CALLED", "NEW", False, None, EventType.RETURNED_TO_QUEUE),
        (Q, "CALLED", "NEW", True, None, EventType.MOVED),
        (Q, "NEW", "NEW", True, None, EventType.MOVED),
        (Q, "CALLED", "CALLED", False, "ticket_recalled", EventType.RECALLED),
        (Q, "CALLED", "CALLED", False, "ticket_called", None),
        (Q, "NEW", "NEW", False, "ticket_recalled", None),
        (H, "OPEN", "CLOSED", False, None, EventType.COMPLETED),
        (H, "CLOSED", "OPEN", False, None, EventType.REOPENED),
        (H, "SNOOZED", "OPEN", False, None, EventType.WOKEN),
        (H, "OPEN", "SNOOZED", False, None, EventType.SNOOZED),
        (H, "OPEN", "ONGOING", False, None, EventType.TAKEN_OVER),
        (H, "ONGOING", "OPEN", False, None, EventType.UPDATED),
        (H, "OPEN", "OPEN", False, None, None),
    ],
)
def test_status_event(kind, old, new, line_changed, hint, expected):
    assert status_event(kind, old, new, line_changed=line_changed, hint=hint) == expected


def test_flag_events():
    t = "2024-01-01"
    off = {"spam": False, "trashed_at": None}
    assert flag_events(off, {"spam": True, "trashed_at": t}) == [
        (EventType.MARKED_SPAM, ("spam",)),
        (EventType.TRASHED, ("trashed_at",)),
    ]
    assert flag_events({"spam": True, "trashed_at": t}, off) == [
        (EventType.RESTORED, ("spam", "trashed_at")),
    ]
    assert flag_events({"spam": True, "trashed_at": None}, {"spam": True, "trashed_at": t}) == [
        (EventType.TRASHED, ("trashed_at",)),
    ]
    assert flag_events(off, off) == []


def test_rest_event():
    assert rest_event({}, {"labels": [["a"], ["a", "b"]]}) == EventType.LABEL_ADDED
    assert rest_event({}, {"labels": [["a", "b"], ["a"]]}) == EventType.LABEL_REMOVED
    assert rest_event({}, {"labels": [["a"], ["b"]]}) == EventType.UPDATED
    assert rest_event({}, {"messages": [1, 2]}) == EventType.MESSAGE_ADDED
    assert rest_event({}, {"extra": [1, 1]}) == EventType.EXTRA_SET
    assert rest_event({"subject": "x"}, {"messages": [1, 2]}) == EventType.UPDATED
