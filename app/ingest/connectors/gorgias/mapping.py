"""Gorgias ticket -> TicketRecord. Pure: `now` decides whether a snooze is still running."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.domain.colors import normalize_color
from app.domain.enums import HelpdeskStatus, MessageDirection, OriginSystem, TicketKind
from app.domain.records import (
    ContactRecord,
    LabelRecord,
    MessageRecord,
    TeamRef,
    TicketRecord,
    UserRef,
)
from app.ingest.connectors.base import PayloadError, as_utc, non_blank, parse_model
from app.ingest.connectors.gorgias.models import (
    GMessage,
    GorgiasTicket,
    GSource,
    GSurvey,
    GTag,
    GUser,
)

STATUS_MAP = {"open": HelpdeskStatus.OPEN, "closed": HelpdeskStatus.CLOSED}


def map_status(raw: str, snooze_until: datetime | None, now: datetime) -> HelpdeskStatus:
    """open/closed; SNOOZED while `snooze_datetime` is in the future."""
    status = STATUS_MAP.get(raw.strip().lower())
    if status is None:
        raise PayloadError("status", "Unknown status.")
    if snooze_until is not None and snooze_until > now:
        return HelpdeskStatus.SNOOZED
    return status


def _user(u: GUser | None) -> UserRef | None:
    if u is None:
        return None
    name = non_blank(u.name) or " ".join(p for p in (u.firstname, u.lastname) if p) or u.email
    return UserRef(str(u.id), name, u.firstname, u.lastname, u.email)


def _author(m: GMessage) -> UserRef | None:
    """An agent message's author is its `sender` (a Gorgias user). The routing's `from` is the
    mailbox the message went out of, shared by every agent: never a user's name or email."""
    sender = m.sender or {}
    if not m.from_agent or sender.get("id") is None:
        return None

    def text(key: str) -> str | None:
        value = sender.get(key)
        return value if isinstance(value, str) else None

    return UserRef(
        str(sender["id"]),
        non_blank(text("name")),
        text("firstname"),
        text("lastname"),
        text("email"),
    )


def _routing(source: GSource | None) -> dict[str, Any] | None:
    """The routing as sent (type, from, to, cc, bcc), `from` under its own name again."""
    if source is None:
        return None
    return source.model_dump(by_alias=True, exclude_none=True)


def _size(value: Any) -> Any:
    """Gorgias's own file example sends `size` as a string of digits: read it as the number."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _attachments(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    return [item | {"size": _size(item["size"])} if "size" in item else item for item in items]


def _message(m: GMessage) -> MessageRecord:
    return MessageRecord(
        direction=(MessageDirection.OUTGOING if m.from_agent else MessageDirection.INCOMING),
        created_at=as_utc(m.created_datetime),
        body=m.body_text,
        body_html=m.body_html,
        external_id=None if m.id is None else str(m.id),
        external_reference=None if m.external_id is None else str(m.external_id),
        channel=m.channel,
        via=m.via,
        public=True if m.public is None else m.public,
        subject=m.subject,
        author=_author(m),
        sender=m.sender,
        receiver=m.receiver,
        attachments=_attachments(m.attachments),
        routing=_routing(m.source),
        sent_at=as_utc(m.sent_datetime),
        opened_at=as_utc(m.opened_datetime),
        failed_at=as_utc(m.failed_datetime),
        deleted_at=as_utc(m.deleted_datetime),
        vendor_data=m.leftovers() or None,
    )


def _label(tag: GTag) -> LabelRecord:
    color = (tag.decoration or {}).get("color")
    return LabelRecord(
        name=tag.name,
        color=normalize_color(color) if isinstance(color, str) else None,
        description=tag.description,
        external_id=None if tag.id is None else str(tag.id),
    )


def _satisfaction(s: GSurvey | None) -> dict[str, Any] | None:
    if s is None:
        return None

    def iso(value: datetime | None) -> str | None:
        value = as_utc(value)
        return None if value is None else value.isoformat()

    return {
        "score": s.score,
        "body_text": s.body_text,
        "created_at": iso(s.created_datetime),
        "should_send_at": iso(s.should_send_datetime),
        "sent_at": iso(s.sent_datetime),
        "scored_at": iso(s.scored_datetime),
        **s.leftovers(),
    }


def normalize(payload: Any, *, now: datetime | None = None) -> TicketRecord:
    t = parse_model(GorgiasTicket, payload)
    snooze_until = as_utc(t.snooze_datetime)
    status = map_status(t.status, snooze_until, now or datetime.now(UTC))
    leftovers = t.leftovers()
    if t.assignee_user is not None and t.assignee_user.leftovers():
        leftovers["assignee_user"] = t.assignee_user.leftovers()
    if t.assignee_team is not None and t.assignee_team.leftovers():
        leftovers["assignee_team"] = t.assignee_team.leftovers()
    tag_extras = [{"name": tag.name, **tag.leftovers()} for tag in t.tags or () if tag.leftovers()]
    if tag_extras:
        leftovers["tags"] = tag_extras
    c = t.customer
    contact = None
    if c is not None:
        contact = ContactRecord(
            external_id=str(c.id),
            name=non_blank(c.name) or " ".join(p for p in (c.firstname, c.lastname) if p) or None,
            first_name=c.firstname,
            last_name=c.lastname,
            email=c.email,
            language=c.language,
            timezone=c.timezone,
            note=c.note,
            data=c.leftovers() or None,
        )
    columns: dict[str, Any] = {
        "title": t.subject,
        "subject": t.subject,
        "channel": t.channel,
        "via": t.via,
        "external_reference": t.external_id,
        "from_agent": t.from_agent,
        "unread": bool(t.is_unread),
        "language": t.language,
        "created_at": as_utc(t.created_datetime),
        "opened_at": as_utc(t.opened_datetime),
        "closed_at": as_utc(t.closed_datetime),
        "last_message_at": as_utc(t.last_message_datetime),
        "last_received_message_at": as_utc(t.last_received_message_datetime),
        "snooze_until": snooze_until,
        "trashed_at": as_utc(t.trashed_datetime),
        "spam": bool(t.spam),
        "satisfaction": _satisfaction(t.satisfaction_survey),
    }
    return TicketRecord(
        origin_system=OriginSystem.GORGIAS,
        external_id=str(t.id),
        kind=TicketKind.HELPDESK,
        status=status.value,
        raw_status=t.status,
        columns=columns,
        contact=contact,
        assignee=_user(t.assignee_user),
        team=None
        if t.assignee_team is None
        else TeamRef(str(t.assignee_team.id), t.assignee_team.name),
        messages=None if t.messages is None else [_message(m) for m in t.messages],
        labels=None if t.tags is None else [_label(tag) for tag in t.tags],
        vendor_data=leftovers,
        vendor_updated_at=as_utc(t.updated_datetime),
        raw_payload=payload,
    )
