"""Qminder ticket -> TicketRecord. Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.domain.colors import normalize_color
from app.domain.enums import MessageDirection, OriginSystem, QueueStatus, TicketKind, TicketSource
from app.domain.records import (
    ContactRecord,
    ExtraRecord,
    InteractionRecord,
    LabelRecord,
    LineRef,
    MessageRecord,
    TicketRecord,
    UserRef,
)
from app.ingest.connectors.base import PayloadError, as_utc, non_blank, parse_model
from app.ingest.connectors.qminder.lifecycle import actor_id, closed_at, latest_date
from app.ingest.connectors.qminder.models import QMessage, QminderTicket

# CANCELLED is the legacy spelling of CANCELLED_BY_CLERK.
STATUS_MAP = {s.value: s for s in QueueStatus} | {"CANCELLED": QueueStatus.CANCELLED_BY_CLERK}
_SOURCES = {TicketSource.PHONE, TicketSource.MANUAL, TicketSource.NAME, TicketSource.MICROSITE}
_DIRECTIONS = frozenset(MessageDirection.__members__)
# Envelope noise of a single-ticket REST answer, not part of the ticket.
_IGNORED = {"statusCode"}


def map_status(raw: str) -> QueueStatus:
    status = STATUS_MAP.get(raw.strip().upper())
    if status is None:
        raise PayloadError("status", "Unknown status.")
    return status


def _user(vendor_id: int | str | None) -> UserRef | None:
    return None if vendor_id is None else UserRef(external_id=str(vendor_id))


def _line(vendor_id: int | str | None) -> LineRef | None:
    return None if vendor_id is None else LineRef(str(vendor_id), f"Line {vendor_id}")


def normalize(payload: Any, *, now: datetime | None = None) -> TicketRecord:
    t = parse_model(QminderTicket, payload)
    status = map_status(t.status)
    leftovers: dict[str, Any] = {k: v for k, v in t.leftovers().items() if k not in _IGNORED}
    source = t.source.strip().upper() if t.source else None
    if source is not None and source not in _SOURCES:
        source = TicketSource.OTHER.value  # kept, not refused: the raw value is raw_source
    phone = None if t.phoneNumber is None else str(t.phoneNumber)
    first, last = non_blank(t.firstName), non_blank(t.lastName)
    full_name = " ".join(p for p in (first, last) if p) or None
    created_at = as_utc(t.created.date) if t.created else None
    called = t.called
    served_at = as_utc(t.served.date) if t.served else None
    columns: dict[str, Any] = {
        "title": full_name,
        "number": t.number,
        "public_id": t.publicId,
        "source": source,
        "raw_source": t.source,
        "first_name": t.firstName,
        "last_name": t.lastName,
        "phone_number": phone,
        "email": t.email,
        "language_code": t.languageCode,
        "created_at": created_at,
        "called_at": as_utc(called.date) if called else None,
        "desk": called.desk if called else None,
        "served_at": served_at,
        "closed_at": closed_at(status, t),
        "order_after": as_utc(t.orderAfter),
    }
    subs = (("created", t.created), ("called", t.called), ("served", t.served))
    for name, sub in (*subs, ("cancelled", t.cancelled)):
        if sub is not None and sub.leftovers():
            leftovers[name] = sub.leftovers()
    messages = None
    if t.messages is not None:
        messages = [_message(n, m) for n, m in enumerate(t.messages)]
    return TicketRecord(
        origin_system=OriginSystem.QMINDER,
        external_id=str(t.id),
        kind=TicketKind.QUEUE,
        status=status.value,
        raw_status=t.status,
        columns=columns,
        contact=ContactRecord(
            name=full_name,
            first_name=first,
            last_name=last,
            email=t.email,
            phone_number=phone,
            language=t.languageCode,
        ),
        assignee=_user(t.assigned.assignee) if t.assigned else None,
        assigner=_user(t.assigned.assigner) if t.assigned else None,
        called_by=_user(called.caller) if called else None,
        actor=_user(actor_id(status, t)),
        line=_line(t.line),
        messages=messages,
        interactions=None
        if t.interactions is None
        else [
            InteractionRecord(
                start=as_utc(i.start),
                end=as_utc(i.end),
                line=_line(i.line),
                desk=i.desk,
                user=_user(i.user),
            )
            for i in t.interactions
        ],
        labels=None
        if t.labels is None
        else [LabelRecord(name=lb.value, color=normalize_color(lb.color)) for lb in t.labels],
        extra=None
        if t.extra is None
        else [
            ExtraRecord(title=e.title, value=e.value, url=e.url, provider=e.provider, data=e.data)
            for e in t.extra
        ],
        vendor_data=leftovers,
        # Qminder sends no "updated" time: the payload's latest lifecycle date stands in.
        vendor_updated_at=latest_date(t),
        raw_payload=payload,
    )


def _message(n: int, m: QMessage) -> MessageRecord:
    """One SMS, its fields beside `created` or (seed 000's table) inside it."""
    inner = m.created
    kind = m.type if m.type is not None else inner.type
    if kind is None:
        raise PayloadError(f"messages[{n}].type", "Field required.")
    direction = kind.strip().upper()
    if direction not in _DIRECTIONS:
        raise PayloadError(f"messages[{n}].type", "Expected OUTGOING or INCOMING.")
    if inner.date is None:
        raise PayloadError(f"messages[{n}].created.date", "Field required.")
    return MessageRecord(
        direction=direction,
        created_at=as_utc(inner.date),
        body=m.body if m.body is not None else inner.body,
        channel="sms",
        status=m.status if m.status is not None else inner.status,
        author=_user(m.userId if m.userId is not None else inner.userId),
        vendor_data=(m.leftovers() | inner.leftovers()) or None,
    )
