"""What every vendor connector shares: the error it raises, the shape it has, and helpers for
signatures, timestamps and pydantic errors. Vendor modules import this, never each other."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, overload

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from app.domain.input_rules import datetime_problem, int32_problem, json_problem
from app.domain.records import TicketRecord, VendorRecord

# Our own signature header for vendors that don't sign (Gorgias HTTP integrations, Zaia).
TICKETGW_SIGNATURE_HEADER = "X-Ticketgw-Signature"
SIGNATURE_PREFIX = "sha256="


class PayloadError(Exception):
    """A vendor payload we can't use. `field` is a dotted path; the message never echoes input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


OUT_OF_RANGE = "out_of_range"  # our own pydantic error type: its message is ours, say it


def _int32(value: int) -> int:
    if reason := int32_problem(value):
        raise PydanticCustomError(OUT_OF_RANGE, reason)
    return value


# A vendor number kept in an integer column (a desk, a ticket number, a count), refused with its
# field's name when it doesn't fit; vendor ids are kept as text and take any size.
Int32 = Annotated[int, AfterValidator(_int32)]


def _instant_in_range(value: datetime) -> datetime:
    # A vendor date the database can't store (or a zone shift would overflow): refused here,
    # naming the field, rather than failing the write.
    if reason := datetime_problem(value):
        raise PydanticCustomError(OUT_OF_RANGE, reason)
    return value


# Every date-time field of a payload model. On the type, not a validator of every field ("*"):
# a Gorgias ticket has some 47 fields across its models and a handful of dates.
VendorDateTime = Annotated[datetime, AfterValidator(_instant_in_range)]


class VendorModel(BaseModel):
    """Base of payload models: unknown fields are kept (they become vendor leftovers). Dates
    are typed VendorDateTime."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def leftovers(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


M = TypeVar("M", bound=BaseModel)

_PYDANTIC_MESSAGES = {
    "missing": "Field required.",
    "string_type": "Expected a string.",
    "int_type": "Expected an integer.",
    "int_parsing": "Expected an integer.",
    "bool_type": "Expected a boolean.",
    "bool_parsing": "Expected a boolean.",
    "datetime_type": "Expected an ISO 8601 date-time.",
    "datetime_parsing": "Expected an ISO 8601 date-time.",
    "datetime_from_date_parsing": "Expected an ISO 8601 date-time.",
    "list_type": "Expected an array.",
    "dict_type": "Expected an object.",
    "model_type": "Expected an object.",
    "model_attributes_type": "Expected an object.",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


# Set (by the file import) while reading a record whose JSON text shows it can hold none of
# json_problem's problems (jsonstream.Record.plain): the walk over every string is skipped.
TEXT_CHECKED: ContextVar[bool] = ContextVar("TEXT_CHECKED", default=False)


def parse_model(model: type[M], payload: Any, prefix: str = "") -> M:
    """Validate `payload` against `model`, translating pydantic's errors into PayloadError.
    Text the databases refuse (NUL, lone surrogates) and nesting too deep are refused first,
    wherever they are in the payload (app.domain.input_rules)."""
    if not isinstance(payload, dict):
        raise PayloadError(prefix or "body", "Expected an object.")
    if not TEXT_CHECKED.get() and (problem := json_problem(payload)) is not None:
        path, reason = problem
        raise PayloadError(f"{prefix}.{path}" if prefix else path, _sentence(reason))
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        path = _field_path(tuple(first["loc"]))
        if first["type"] == OUT_OF_RANGE:
            message = _sentence(first["msg"])
        else:
            message = _PYDANTIC_MESSAGES.get(first["type"], "Invalid value.")
        raise PayloadError(f"{prefix}.{path}" if prefix else path, message) from None


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + "."


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """Vendors send naive timestamps meaning UTC (Gorgias) or offsets; store aware UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup that works on plain dicts and Starlette's Headers."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, val in headers.items():
        if key.lower() == lowered:
            return val
    return None


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_ticketgw_signature(
    secret: str, url: str, raw_body: bytes, headers: Mapping[str, str]
) -> bool:
    """`X-Ticketgw-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`; the URL is not signed."""
    given = header(headers, TICKETGW_SIGNATURE_HEADER)
    if not secret or not given or not given.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac_hex(secret, raw_body)
    return hmac.compare_digest(given[len(SIGNATURE_PREFIX) :].strip().lower(), expected)


def payload_digest(record: TicketRecord) -> str:
    """What identifies a payload as applied: the webhook type, the status we read from it (a
    Gorgias snooze depends on the clock) and the payload itself, keys in any order."""
    body = orjson.dumps(
        [record.event, record.status, record.raw_payload],
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        default=str,
    )
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def with_event(record: TicketRecord, event: str | None) -> TicketRecord:
    """The record as announced by a webhook of type `event`, with its digest."""
    record.event = event
    record.digest = payload_digest(record)
    return record


def non_blank(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


@dataclass(frozen=True)
class Connector:
    """One vendor format. Every function is pure: no I/O, no clock unless `now` is omitted."""

    name: str  # the {vendor} path segment and the webhook secret's vendor
    normalize: Callable[..., TicketRecord]  # (payload, *, now=None) -> TicketRecord
    verify_signature: Callable[[str, str, bytes, Mapping[str, str]], bool]
    # A webhook body -> (the ticket payload, the event type it announces or None).
    unwrap_webhook: Callable[[Any], tuple[Any, str | None]]
    signature_header: str
    # A webhook body or an exported record -> what it describes (a ticket, a line, ...).
    # (body, *, now=None) -> VendorRecord; raises PayloadError.
    read: Callable[..., VendorRecord]


def ticket_connector(
    name: str,
    normalize: Callable[..., TicketRecord],
    unwrap_webhook: Callable[[Any], tuple[Any, str | None]],
) -> Connector:
    """The connector of a vendor that does not sign its calls (the integration sends our
    X-Ticketgw-Signature header) and whose every webhook carries a ticket (Gorgias, Zaia)."""

    def read(body: Any, *, now: datetime | None = None) -> VendorRecord:
        payload, event = unwrap_webhook(body)
        return with_event(normalize(payload, now=now), event)

    return Connector(
        name=name,
        normalize=normalize,
        verify_signature=verify_ticketgw_signature,
        unwrap_webhook=unwrap_webhook,
        signature_header=TICKETGW_SIGNATURE_HEADER,
        read=read,
    )
