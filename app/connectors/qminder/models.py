"""Qminder ticket payloads: REST v1 (seeds/000) and the newer fields (seeds/001)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.connectors.base import Int32, VendorModel

VendorId = int | str  # Qminder sends numeric ids; some exports quote them


class QDate(VendorModel):
    date: datetime | None = None


class QCalled(VendorModel):
    date: datetime | None = None
    caller: VendorId | None = None
    desk: Int32 | None = None


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


class QMessage(VendorModel):
    created: QDate
    body: str | None = None
    type: str
    status: str | None = None
    userId: VendorId | None = None


class QInteraction(VendorModel):
    start: datetime
    end: datetime | None = None
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
    orderAfter: datetime | None = None
    created: QDate | None = None
    called: QCalled | None = None
    served: QDate | None = None
    assigned: QAssigned | None = None
    extra: list[QExtra] | None = None
    labels: list[QLabel] | None = None
    messages: list[QMessage] | None = None
    interactions: list[QInteraction] | None = None
