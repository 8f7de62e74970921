"""The demo's helpdesk tickets: ten days of conversations, each through the real commands."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db import Team, User
from app.demo import cast as data
from app.demo.queue import Cast, Step, scaled
from app.domain.enums import Circumstance, MessageDirection
from app.tickets.assignment import apply_assign
from app.tickets.extras import ExtraValue, apply_set_extra
from app.tickets.helpdesk import (
    apply_complete,
    apply_create_helpdesk_ticket,
    apply_reopen,
    apply_snooze,
    apply_take_over,
    find_or_make_contact,
)
from app.tickets.helpdesk_flags import apply_mark_read, apply_mark_spam, apply_restore, apply_trash
from app.tickets.messages import apply_add_message
from app.tickets.unit_of_work import UnitOfWork

ENDINGS = {
    "closed": 70, "reopened": 8, "open": 36, "ongoing": 30, "snoozed": 20,
    "spam": 14, "trashed": 12, "restored": 10,
}  # fmt: skip
INCOMING, OUTGOING = MessageDirection.INCOMING, MessageDirection.OUTGOING


@dataclass(frozen=True)
class Conversation:
    ending: str
    created: datetime
    customer: tuple[str, str, str]  # first name, last name, email
    subject: str
    channel: str
    language: str
    team_id: int | None
    agent: int
    labels: tuple[tuple[str, str], ...]
    order_number: str | None
    lines: tuple[str, ...]  # customer lines after the first message
    step: timedelta
    snooze_for: timedelta
    read: bool


def plan_conversations(
    rng: random.Random,
    cast: Cast,
    now: datetime,
    domain: str,
    *,
    scale: float = 1.0,
    days: int = 10,
) -> list[Step]:
    endings = scaled(ENDINGS, scale)
    rng.shuffle(endings)
    start, span = now - timedelta(days=days), timedelta(days=days) - timedelta(hours=6)
    times = sorted(start + span * rng.random() for _ in endings)
    customers = [
        (first, last, f"{first}.{last}{i}@{domain}".lower().replace("ü", "u"))
        for i, (first, last) in enumerate(
            (rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)) for _ in range(60)
        )
    ]
    plans = [
        _conversation(rng, cast, e, t, rng.choice(customers))
        for e, t in zip(endings, times, strict=True)
    ]
    return [_story(c, now) for c in plans]


def _conversation(
    rng: random.Random, cast: Cast, ending: str, created: datetime, customer: tuple[str, str, str]
) -> Conversation:
    n_labels = rng.choice((0, 0, 1, 1, 2))
    return Conversation(
        ending=ending,
        created=created,
        customer=customer,
        subject=rng.choice(data.SUBJECTS),
        channel=rng.choice(data.CHANNELS),
        language=rng.choice(data.LANGUAGES),
        team_id=rng.choice(cast.team_ids) if rng.random() < 0.6 else None,
        agent=rng.choice(cast.user_ids),
        labels=tuple(rng.sample(data.HELPDESK_LABELS, n_labels)),
        order_number=f"#{rng.randint(1000, 9999)}" if rng.random() < 0.2 else None,
        lines=tuple(rng.sample(data.CUSTOMER_LINES, rng.randint(0, 2))),
        step=timedelta(minutes=rng.randint(5, 50)),
        snooze_for=timedelta(hours=rng.randint(2, 72)),
        read=rng.random() < 0.5,
    )


def _story(c: Conversation, real_now: datetime) -> Step:
    async def run(uow: UnitOfWork) -> None:
        # The customer writes in (no actor); the agent acts from the first reply on.
        uow.now, uow.actor_id = c.created, None
        first, last, email = c.customer
        contact = await find_or_make_contact(
            uow, first_name=first, last_name=last, email=email, phone_number=None
        )
        takeover = c.channel == "zaia-chat" and c.ending not in ("open", "spam", "restored")
        agent = await uow.session.get(User, c.agent)
        team = None if c.team_id is None else await uow.session.get(Team, c.team_id)
        ticket = await apply_create_helpdesk_ticket(
            uow,
            subject=c.subject,
            channel=c.channel,
            body=f"{c.subject} {data.CUSTOMER_LINES[0]}",
            contact=contact,
            team=team,
            assignee=agent if takeover else None,
            circumstance=Circumstance.TAKEOVER if takeover else Circumstance.HANDOVER,
            language=c.language,
            labels=[name for name, _ in c.labels],
            created_at=c.created,
        )
        if c.channel == "zaia-chat":
            ticket.responder_name, ticket.responder_version = "Zaia", 3
        if c.order_number:
            await apply_set_extra(uow, ticket, ExtraValue("Order number", c.order_number))
        for line in c.lines:
            uow.now += c.step
            await apply_add_message(uow, ticket, body=line, direction=INCOMING)
        if c.ending in ("spam", "trashed", "restored"):
            uow.now, uow.actor_id = uow.now + c.step, c.agent
            await (apply_mark_spam if c.ending == "spam" else apply_trash)(uow, ticket)
            if c.ending == "restored":
                uow.now += c.step
                await apply_restore(uow, ticket)
            return
        if c.ending == "open":
            if c.read:
                uow.actor_id = c.agent
                await apply_assign(uow, ticket, assignee_id=c.agent)
                uow.now += c.step
                await apply_mark_read(uow, ticket)
            return
        uow.now, uow.actor_id = uow.now + c.step, c.agent
        if not takeover:
            await apply_take_over(uow, ticket, assignee_id=c.agent)
        await apply_add_message(
            uow, ticket, body=data.AGENT_LINES[0], direction=OUTGOING, author_id=c.agent
        )
        await apply_mark_read(uow, ticket)
        if c.ending == "ongoing":
            return
        uow.now += c.step
        if c.ending == "snoozed":
            await apply_snooze(uow, ticket, until=real_now + c.snooze_for)
            return
        await apply_add_message(
            uow, ticket, body=data.AGENT_LINES[-1], direction=OUTGOING, author_id=c.agent
        )
        await apply_complete(uow, ticket, user_id=c.agent)
        if c.ending == "reopened":
            uow.now, uow.actor_id = uow.now + c.step, None
            await apply_add_message(uow, ticket, body=data.CUSTOMER_LINES[3], direction=INCOMING)
            await apply_reopen(uow, ticket)

    return run
