"""One contract, every connector (social-core style): the same driver runs each vendor's seed
examples and edge payloads through `normalize` and `verify_signature`."""

from __future__ import annotations

import ast
import copy
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.domain.enums import HelpdeskStatus, OriginSystem, QueueStatus, TicketKind
from app.ingest.connectors import CONNECTORS, Connector, PayloadError

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
SECRET = "contract-secret"
URL = "https://gw.example.com/ingest/x/ws"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def qminder_headers(secret: str, url: str, body: bytes) -> dict[str, str]:
    return {
        "X-Qminder-Signature": hmac.new(
            secret.encode(), url.encode() + body, hashlib.sha256
        ).hexdigest()
    }


def ticketgw_headers(secret: str, url: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"x-ticketgw-signature": f"sha256={digest}"}


@dataclass
class Case:
    vendor: str
    origin: OriginSystem
    kind: TicketKind
    fixtures: list[str]
    statuses: dict[str, str]  # raw status -> our status
    required: list[str]
    optional: list[str]
    text_field: tuple[str, str]  # (payload field, Ticket column) holding free text
    sign: Any
    wrong_types: dict[str, Any] = field(default_factory=dict)

    @property
    def connector(self) -> Connector:
        return CONNECTORS[self.vendor]

    def base(self) -> dict[str, Any]:
        return load(self.fixtures[0])


CASES = [
    Case(
        vendor="qminder",
        origin=OriginSystem.QMINDER,
        kind=TicketKind.QUEUE,
        fixtures=["qminder_v1", "qminder_v2"],
        statuses={
            "NEW": "NEW",
            "CALLED": "CALLED",
            "SERVED": "SERVED",
            "NOSHOW": "NOSHOW",
            "CANCELLED_BY_CLERK": "CANCELLED_BY_CLERK",
            "CANCELLED": "CANCELLED_BY_CLERK",
        },
        required=["id", "status", "line"],
        optional=[
            "number",
            "source",
            "created",
            "called",
            "served",
            "extra",
            "labels",
            "messages",
            "interactions",
        ],
        text_field=("firstName", "first_name"),
        sign=qminder_headers,
        wrong_types={"number": "forty-five", "labels": {"value": "VIP"}, "created": 12},
    ),
    Case(
        vendor="gorgias",
        origin=OriginSystem.GORGIAS,
        kind=TicketKind.HELPDESK,
        fixtures=["gorgias_ticket"],
        statuses={"open": "OPEN", "closed": "CLOSED", "OPEN": "OPEN", "Closed": "CLOSED"},
        required=["id", "status"],
        optional=[
            "assignee_user",
            "customer",
            "messages",
            "tags",
            "satisfaction_survey",
            "external_id",
            "language",
            "spam",
            "snooze_datetime",
            "updated_datetime",
        ],
        text_field=("subject", "subject"),
        sign=ticketgw_headers,
        wrong_types={"spam": "maybe", "messages": "none", "customer": [1]},
    ),
    Case(
        vendor="zaia",
        origin=OriginSystem.ZAIA,
        kind=TicketKind.HELPDESK,
        fixtures=["zaia_ticket"],
        statuses={
            "pending": "OPEN",
            "ongoing": "ONGOING",
            "completed": "CLOSED",
            "PENDING": "OPEN",
            "ONGOING": "ONGOING",
            "COMPLETED": "CLOSED",
        },
        required=["id", "status", "createdAt"],
        optional=[
            "assigneeId",
            "ticketingTeamId",
            "chatOwnerId",
            "summary",
            "ongoingAt",
            "completedAt",
            "responderVersionNumber",
        ],
        text_field=("summary", "summary"),
        sign=ticketgw_headers,
        wrong_types={"pendingChatMessages": "many", "chatIsRemoved": "perhaps", "createdAt": []},
    ),
]

pytestmark = pytest.mark.parametrize("case", CASES, ids=lambda c: c.vendor)


def normalize(case: Case, payload: Any):
    return case.connector.normalize(payload, now=NOW)


def test_seed_examples_normalize(case):
    for name in case.fixtures:
        payload = load(name)
        pristine = copy.deepcopy(payload)
        record = normalize(case, payload)
        assert payload == pristine  # pure: the input is left alone
        assert (record.origin_system, record.kind) == (case.origin, case.kind)
        assert record.external_id == str(payload["id"])
        assert record.raw_status == payload["status"]
        assert record.raw_payload == payload
        valid = QueueStatus if case.kind == TicketKind.QUEUE else HelpdeskStatus
        assert record.status in {s.value for s in valid}


def test_every_status_maps(case):
    for raw, expected in case.statuses.items():
        record = normalize(case, case.base() | {"status": raw})
        assert (record.status, record.raw_status) == (expected, raw)


def test_unknown_status_names_the_field(case):
    with pytest.raises(PayloadError) as err:
        normalize(case, case.base() | {"status": "ARCHIVED"})
    assert (err.value.field, err.value.message) == ("status", "Unknown status.")


def test_missing_required_field_names_it(case):
    for name in case.required:
        payload = case.base()
        del payload[name]
        with pytest.raises(PayloadError) as err:
            normalize(case, payload)
        assert (err.value.field, err.value.message) == (name, "Field required.")


def test_missing_optional_fields_are_fine(case):
    payload = case.base()
    for name in case.optional:
        payload.pop(name, None)
    record = normalize(case, payload)
    assert record.external_id == str(payload["id"])


def test_wrong_types_name_the_field(case):
    for name, value in case.wrong_types.items():
        with pytest.raises(PayloadError) as err:
            normalize(case, case.base() | {name: value})
        assert err.value.field == name or err.value.field.startswith(f"{name}.")
        assert str(value) not in err.value.message  # stable text, never the input


@pytest.mark.parametrize("body", [[], "ticket", 42, None])
def test_a_payload_that_is_not_an_object(case, body):
    with pytest.raises(PayloadError) as err:
        normalize(case, body)
    assert err.value.field == "body"


def test_unicode_and_huge_text_are_kept(case):
    source, column = case.text_field
    for text in ("Zoë Ünïcødé 日本語 🎫", "x" * 2_000_000):
        record = normalize(case, case.base() | {source: text})
        assert record.columns[column] == text


def test_unknown_fields_are_vendor_leftovers(case):
    record = normalize(case, case.base() | {"brandNewField": {"nested": [1, "two"]}})
    assert record.vendor_data["brandNewField"] == {"nested": [1, "two"]}


def test_signature(case):
    body = json.dumps(case.base()).encode()
    verify = case.connector.verify_signature
    good = case.sign(SECRET, URL, body)
    assert verify(SECRET, URL, body, good) is True
    assert verify(SECRET, URL, body + b" ", good) is False
    assert verify("another-secret", URL, body, good) is False
    assert verify(SECRET, URL, body, {}) is False
    assert verify("", URL, body, case.sign("", URL, body)) is False
    tampered = {k: v[:-1] + ("0" if v[-1] != "0" else "1") for k, v in good.items()}
    assert verify(SECRET, URL, body, tampered) is False


def test_vendors_never_import_each_other(case):
    package = Path(__file__).parents[2] / "app" / "connectors" / case.vendor
    others = {f"app.ingest.connectors.{c.vendor}" for c in CASES if c.vendor != case.vendor}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m and m.startswith(tuple(others))}, module
