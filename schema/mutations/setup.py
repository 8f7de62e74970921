"""Setting up a workspace (admin keys only): createLine, createUser, createTeam
(app.services.setup). A name already taken is CONFLICT."""

from __future__ import annotations

import strawberry

from app.context import Info
from app.services import setup
from schema.mutations.runner import run_command
from schema.permissions import ADMIN
from schema.types.payloads import LinePayload, TeamPayload, UserPayload


@strawberry.input
class CreateLineInput:
    name: str
    prefix: str | None = strawberry.field(
        default=None, description="Letters before ticket numbers; defaults to the name's first."
    )


@strawberry.input
class CreateUserInput:
    name: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    picture: str | None = None


@strawberry.input
class CreateTeamInput:
    name: str


@strawberry.type
class SetupMutations:
    @strawberry.mutation(permission_classes=ADMIN)
    async def create_line(self, info: Info, input: CreateLineInput) -> LinePayload:
        line, errors = await run_command(
            info, lambda env, me: setup.create_line(env, me, name=input.name, prefix=input.prefix)
        )
        return LinePayload(line=line, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=ADMIN)
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        user, errors = await run_command(
            info,
            lambda env, me: setup.create_user(
                env,
                me,
                name=input.name,
                email=input.email,
                first_name=input.first_name,
                last_name=input.last_name,
                picture=input.picture,
            ),
        )
        return UserPayload(user=user, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=ADMIN)
    async def create_team(self, info: Info, input: CreateTeamInput) -> TeamPayload:
        team, errors = await run_command(
            info, lambda env, me: setup.create_team(env, me, name=input.name)
        )
        return TeamPayload(team=team, errors=errors)  # type: ignore[arg-type]
