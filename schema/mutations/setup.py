"""Setting up a workspace (admin keys only): createLine, createUser, createTeam
(app.access.setup). A name already taken is CONFLICT."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from app.access import setup
from app.context import Info
from schema import docs
from schema.mutations.runner import run_command
from schema.permissions import ADMIN
from schema.types.payloads import LinePayload, TeamPayload, UserPayload

if TYPE_CHECKING:  # the rows the commands return stand in for these (schema/types/node.py)
    from schema.types.people import Team, User
    from schema.types.places import Line


@strawberry.input(description="A new queue line.")
class CreateLineInput:
    name: str = strawberry.field(description='The line\'s name, e.g. "Pharmacy".')
    prefix: str | None = strawberry.field(
        default=None, description="Letters before ticket numbers; defaults to the name's first."
    )


@strawberry.input(description="A new staff member (agent, clerk).")
class CreateUserInput:
    name: str = strawberry.field(description="How the user is shown.")
    email: str | None = strawberry.field(
        default=None, description="Work email address; null for none."
    )
    first_name: str | None = strawberry.field(
        default=None, description="First name; null for none."
    )
    last_name: str | None = strawberry.field(default=None, description="Last name; null for none.")
    picture: str | None = strawberry.field(
        default=None, description="URL of an avatar image; null for none."
    )


@strawberry.input(description="A new team to route tickets to.")
class CreateTeamInput:
    name: str = strawberry.field(description="The team's name.")


@strawberry.type
class SetupMutations:
    @strawberry.mutation(
        permission_classes=ADMIN, description="Add a queue line (admin keys only)."
    )
    async def create_line(
        self, info: Info, input: Annotated[CreateLineInput, docs.INPUT_ARGUMENT]
    ) -> LinePayload:
        line, errors = await run_command(
            info, lambda env, me: setup.create_line(env, me, name=input.name, prefix=input.prefix)
        )
        return LinePayload(line=cast("Line | None", line), errors=errors)

    @strawberry.mutation(
        permission_classes=ADMIN, description="Add a staff member (admin keys only)."
    )
    async def create_user(
        self, info: Info, input: Annotated[CreateUserInput, docs.INPUT_ARGUMENT]
    ) -> UserPayload:
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
        return UserPayload(user=cast("User | None", user), errors=errors)

    @strawberry.mutation(permission_classes=ADMIN, description="Add a team (admin keys only).")
    async def create_team(
        self, info: Info, input: Annotated[CreateTeamInput, docs.INPUT_ARGUMENT]
    ) -> TeamPayload:
        team, errors = await run_command(
            info, lambda env, me: setup.create_team(env, me, name=input.name)
        )
        return TeamPayload(team=cast("Team | None", team), errors=errors)
