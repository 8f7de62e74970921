"""Qminder ticket -> TicketRecord. Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.connectors.base import PayloadError, as_utc, non_blank, parse_model
from app.connectors.qminder.models import QminderTicket
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

# CANCELLED is the legacy spelling of CANCELLED_BY_CLERK.
STATUS_MAP = {s.value: s for s in QueueStatus} | {"CANCELLED": QueueStatus.CANCELLED_BY_CLERK}
_SOURCES = {TicketSource.PHONE, TicketSource.MANUAL, TicketSource.NAME, TicketSource.MICROSITE}
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
        leftovers["source"] = t.source  # a value we have no enum for: kept, not refused
        source = None
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
        "first_name": t.firstName,
        "last_name": t.lastName,
        "phone_number": phone,
        "email": t.email,
        "language_code": t.languageCode,
        "created_at": created_at,
        "called_at": as_utc(called.date) if called else None,
        "desk": called.desk if called else None,
        "served_at": served_at,
        "closed_at": served_at if status == QueueStatus.SERVED else None,
        "order_after": as_utc(t.orderAfter),
    }
    for name, sub in (("created", t.created), ("called", t.called), ("served", t.served)):
        if sub is not None and sub.leftovers():
            leftovers[name] = sub.leftovers()
    messages = None
    if t.messages is not None:
        messages = []
        for i, m in enumerate(t.messages):
            direction = m.type.strip().upper()
            if direction not in MessageDirection.__members__:
                raise PayloadError(f"messages[{i}].type", "Expected OUTGOING or INCOMING.")
            if m.created.date is None:
                raise PayloadError(f"messages[{i}].created.date", "Field required.")
            messages.append(
                MessageRecord(
                    direction=direction,
                    created_at=as_utc(m.created.date),  # type: ignore[arg-type]
                    body=m.body,
                    channel="sms",
                    status=m.status,
                    author=_user(m.userId),
                    vendor_data=m.leftovers() or None,
                )
            )
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
        line=_line(t.line),
        messages=messages,
        interactions=None
        if t.interactions is None
        else [
            InteractionRecord(
                start=as_utc(i.start),  # type: ignore[arg-type]
                end=as_utc(i.end),
                line=_line(i.line),
                desk=i.desk,
                user=_user(i.user),
            )
            for i in t.interactions
        ],
        labels=None
        if t.labels is None
        else [LabelRecord(name=lb.value, color=lb.color) for lb in t.labels],
        extra=None
        if t.extra is None
        else [
            ExtraRecord(title=e.title, value=e.value, url=e.url, provider=e.provider, data=e.data)
            for e in t.extra
        ],
        vendor_data=leftovers,
        # Qminder sends no "updated" time: deliveries apply in the order they arrive.
        vendor_updated_at=None,
        raw_payload=payload,
    )
