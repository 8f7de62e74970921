"""Demo data: two workspaces with lines, people, and a few hundred tickets of each kind in every
status, made through the same commands as real traffic so every ticket has a history.

Call it on an empty database (the CLI's `ticketgw demo`); it prints nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlmodel import col

from app.access.setup import apply_create_line, apply_create_team, apply_create_user
from app.access.workspaces import (
    VENDORS,
    NewWorkspace,
    create_workspace,
    set_webhook_secret,
    workspace_by_slug,
)
from app.db import Label, Team, User
from app.db.types import utcnow
from app.demo import cast as data
from app.demo.cast import WORKSPACES, WorkspaceSpec
from app.demo.helpdesk import plan_conversations
from app.demo.queue import Cast, Step, plan_visits
from app.domain.errors import DomainError, ErrorCode
from app.tickets.unit_of_work import ServiceEnv, unit_of_work

# Tickets per transaction: big enough to load quickly, small enough to keep locks short.
BATCH = 40


class DemoProgress(Protocol):
    """What load_demo reports to (the CLI's progress bar): steps planned, then steps done."""

    def expect(self, more: int) -> None: ...

    def advance(self, done: int = 1) -> None: ...


@dataclass(frozen=True)
class DemoWorkspace:
    slug: str
    name: str
    id: int
    api_key: str
    webhook_secrets: dict[str, str]


async def load_demo(
    env: ServiceEnv,
    *,
    seed: int = 7,
    slug_suffix: str = "",
    scale: float = 1.0,
    now: datetime | None = None,
    progress: DemoProgress | None = None,
) -> list[DemoWorkspace]:
    """About 200 queue and 200 helpdesk tickets per workspace (times `scale`, every status at
    least once) over the days before `now`. `slug_suffix` lets tests load it beside other data
    ("acme-x", "globex-x"). The same seed and `now` give the same tickets: queue numbers start
    again each local day, so a visit a second either side of midnight numbers a day
    differently."""
    for spec in WORKSPACES:
        if await workspace_by_slug(env.db, spec.slug + slug_suffix) is not None:
            raise DomainError(ErrorCode.CONFLICT, "The demo workspaces exist already.", "slug")
    rng = random.Random(seed)
    now = (now or utcnow()).replace(microsecond=0)
    loaded = []
    for spec in WORKSPACES:
        new = await create_workspace(
            env.db,
            name=spec.name,
            slug=spec.slug + slug_suffix,
            timezone=spec.timezone,
            admin_name=spec.admin,
        )
        ws = new.workspace.id
        secrets = {v: await set_webhook_secret(env.db, workspace_id=ws, vendor=v) for v in VENDORS}
        cast = await _cast(env, new, spec)
        visits = plan_visits(rng, cast, now, scale=scale)
        conversations = plan_conversations(rng, cast, now, spec.email_domain, scale=scale)
        if progress is not None:
            progress.expect(len(visits) + len(conversations))
        await _run(env, cast, visits, progress)
        await _run(env, cast, conversations, progress)
        loaded.append(
            DemoWorkspace(new.workspace.slug, new.workspace.name, ws, new.api_key, secrets)
        )
    return loaded


async def _cast(env: ServiceEnv, new: NewWorkspace, spec: WorkspaceSpec) -> Cast:
    ws, admin = new.workspace.id, new.admin.id
    async with unit_of_work(env, ws, admin) as uow:
        lines = [await apply_create_line(uow, name=n, prefix=p) for n, p in spec.lines]
        teams = [await apply_create_team(uow, name=n) for n in spec.teams]
        users = [await apply_create_user(uow, name=n, email=e) for n, e in spec.users]
        labels = (*data.QUEUE_LABELS, *data.HELPDESK_LABELS)
        uow.session.add_all(Label(workspace_id=ws, name=n, color=c) for n, c in labels)
    return Cast(
        workspace_id=ws,
        admin_id=admin,
        user_ids=[u.id for u in users],
        lines=lines,
        team_ids=[t.id for t in teams],
    )


async def _run(
    env: ServiceEnv, cast: Cast, steps: Sequence[Step], progress: DemoProgress | None
) -> None:
    for start in range(0, len(steps), BATCH):
        async with unit_of_work(env, cast.workspace_id, cast.admin_id) as uow:
            # Held for the batch: the session's identity map is weak, and every step looks
            # these rows up again.
            held = [
                *(
                    await uow.session.execute(
                        select(User).where(col(User.workspace_id) == uow.workspace_id)
                    )
                ).scalars(),
                *(
                    await uow.session.execute(
                        select(Team).where(col(Team.workspace_id) == uow.workspace_id)
                    )
                ).scalars(),
            ]
            for step in steps[start : start + BATCH]:
                await step(uow)
            del held
        if progress is not None:
            progress.advance(len(steps[start : start + BATCH]))
