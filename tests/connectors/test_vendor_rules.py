"""Vendor rules the shared contract doesn't cover: snooze, legacy statuses, webhook envelopes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.ingest.connectors import CONNECTORS, PayloadError
from tests.connectors.test_contract import load

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
gorgias = CONNECTORS["gorgias"]
qminder = CONNECTORS["qminder"]
zaia = CONNECTORS["zaia"]


@pytest.mark.parametrize(
    ("status", "snooze", "expected"),
    [
        ("open", "2024-06-02T00:00:00", "SNOOZED"),
        ("closed", "2024-06-02T00:00:00", "SNOOZED"),
        ("closed", "2024-05-31T00:00:00", "CLOSED"),
        ("open", None, "OPEN"),
    ],
)
def test_gorgias_snooze_in_the_future_wins(status, snooze, expected):
    record = gorgias.normalize(
        load("gorgias_ticket") | {"status": status, "snooze_datetime": snooze}, now=NOW
    )
    assert record.status == expected


def test_gorgias_keeps_its_external_id_as_a_field():
    record = gorgias.normalize(load("gorgias_ticket"), now=NOW)
    assert (record.external_id, record.columns["external_reference"]) == ("123", "RETURN#4213")
    assert record.columns["satisfaction"]["score"] == 2
    assert [lb.name for lb in record.labels] == ["urgent"]
    assert record.contact.external_id == "3924"


def test_qminder_v2_fields():
    record = qminder.normalize(load("qminder_v2"))
    c = record.columns
    assert (c["public_id"], c["number"], c["source"], c["language_code"]) == (
        "A-42",
        42,
        "MICROSITE",
        "es",
    )
    assert c["order_after"] == datetime(2024, 5, 2, 8, 59, tzinfo=UTC)
    assert (record.assignee.external_id, record.assigner.external_id) == ("28460", "28458")
    assert (record.called_by.external_id, c["desk"]) == ("28458", 3)
    assert record.line.external_id == "27346"


def test_qminder_v1_numeric_phone_and_unknown_source_are_kept():
    record = qminder.normalize(load("qminder_v1") | {"phoneNumber": 3725551234, "source": "KIOSK"})
    assert record.columns["phone_number"] == "3725551234"
    assert (record.columns["source"], record.columns["raw_source"]) == ("OTHER", "KIOSK")


def test_qminder_webhook_envelope():
    data = load("qminder_v2")
    assert qminder.unwrap_webhook({"type": "ticket_recalled", "data": data}) == (
        data,
        "ticket_recalled",
    )
    with pytest.raises(PayloadError) as err:
        qminder.unwrap_webhook({"type": "ticket_exploded", "data": data})
    assert err.value.field == "type"
    with pytest.raises(PayloadError) as err:
        qminder.unwrap_webhook({"type": "ticket_called", "data": []})
    assert err.value.field == "data"


def test_qminder_message_type_must_be_known():
    payload = load("qminder_v1")
    payload["messages"][1]["type"] = "SIDEWAYS"
    with pytest.raises(PayloadError) as err:
        qminder.normalize(payload)
    assert err.value.field == "messages[1].type"


def test_zaia_takeover_and_updated_at():
    record = zaia.normalize(
        load("zaia_ticket") | {"circumstance": "takeover", "updatedAt": "2025-03-10T16:00:00Z"}
    )
    assert record.columns["circumstance"] == "TAKEOVER"
    assert record.vendor_updated_at == datetime(2025, 3, 10, 16, 0, tzinfo=UTC)
    assert (record.assignee.name, record.team.name, record.contact.name) == (
        "Ana Agent",
        "Tier 1",
        "João Cliente",
    )


@pytest.mark.parametrize(
    "kind",
    [
        "ticket_created",
        "ticket_called",
        "ticket_recalled",
        "ticket_changed",
        "ticket_cancelled",
        "ticket_served",
        "line_changed",
        "location_created",
        "location_changed",
    ],
)
def test_qminder_accepts_every_webhook_type_design_lists(kind):
    data = load("qminder_v2") if kind.startswith("ticket") else {"id": 12345, "name": "Desk"}
    record = qminder.read({"type": kind, "data": data})
    assert record.external_id == str(data["id"])


def test_qminder_cancelled_names_its_canceller_and_close_time():
    body = {"type": "ticket_cancelled", "data": load("qminder_v2") | {
        "status": "CANCELLED_BY_CLERK",
        "cancelled": {"date": "2024-05-02T09:30:00Z", "canceller": 1445},
    }}  # fmt: skip
    record = qminder.read(body)
    assert (record.actor.external_id, record.columns["closed_at"]) == (
        "1445",
        datetime(2024, 5, 2, 9, 30, tzinfo=UTC),
    )
    assert record.vendor_updated_at == datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
