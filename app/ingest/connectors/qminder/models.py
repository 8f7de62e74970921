"""Qminder ticket payloads: REST v1 (seeds/000) and the newer fields (seeds/001)."""

from __future__ import annotations

from typing import Any

from app.ingest.connectors.base import Int32, VendorDateTime, VendorModel

VendorId = int | str  # Qminder sends numeric ids; some exports quote them


class QDate(VendorModel):
    date: VendorDateTime | None = None


class QCalled(VendorModel):
    date: VendorDateTime | None = None
    caller: VendorId | None = None
    desk: Int32 | None = None


class QCancelled(VendorModel):
    """`ticket_cancelled` ("removed from queue"): when, and the user who did it."""

    date: VendorDateTime | None = None
    canceller: VendorId | None = None


class QAssigned(VendorModel):
    assigner: VendorId | None = None
    assignee: VendorId | None = None


class QExtra(VendorModel):
    title: str
    value: str | None = None
    url: str | None = None
    # "Attaching external info": {provider, title, data}.
    provider: str | None = None
    data: dict[str, Any] | None = None


class QLabel(VendorModel):
    value: str
    color: str | None = None


class QMessageCreated(VendorModel):
    """Seed 000 lists a message's fields under `created` (created.body, created.type, ...)."""

    date: VendorDateTime | None = None
    body: str | None = None
    type: str | None = None
    status: str | None = None
    userId: VendorId | None = None


class QMessage(VendorModel):
    """A message in either shape: fields beside `created` (the example) or inside it."""

    created: QMessageCreated
    body: str | None = None
    type: str | None = None
    status: str | None = None
    userId: VendorId | None = None


class QInteraction(VendorModel):
    start: VendorDateTime
    end: VendorDateTime | None = None
    line: VendorId | None = None
    desk: Int32 | None = None
    user: VendorId | None = None


class QminderTicket(VendorModel):
    id: VendorId
    number: Int32 | None = None
    publicId: str | None = None
    source: str | None = None
    status: str
    line: VendorId
    firstName: str | None = None
    lastName: str | None = None
    phoneNumber: str | int | None = None  # a Number in v1, a string since
    email: str | None = None
    languageCode: str | None = None
    orderAfter: VendorDateTime | None = None
    created: QDate | None = None
    called: QCalled | None = None
    served: QDate | None = None
    cancelled: QCancelled | None = None
    assigned: QAssigned | None = None
    extra: list[QExtra] | None = None
    labels: list[QLabel] | None = None
    messages: list[QMessage] | None = None
    interactions: list[QInteraction] | None = None


class QLocation(VendorModel):
    """`location_created` / `location_changed` data."""

    id: VendorId
    name: str | None = None


class QLine(VendorModel):
    """`line_changed` data; `location` as in the Line object, when sent."""

    id: VendorId
    name: str | None = None
    location: VendorId | None = None
