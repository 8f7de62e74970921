"""The mutations of the declared ticket actions (app.tickets.lifecycle), made, not written.

For each action: an input type `<Name>Input` (`id`, the declared arguments in order, then
`expectedVersion`), a mutation `<name>(input:)` answering `TicketPayload`, guarded by the declared
role, that decodes the ids inside the command (so a bad id is a `UserError`, not a crash) and runs
the action's command. `area_mutations` groups them as the Mutation type lists them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Optional

import strawberry
from strawberry.types.field import StrawberryField

from app.context import Info
from app.domain.enums import Role
from app.tickets.actions import in_area
from app.tickets.lifecycle import NO_DEFAULT, Arg, TicketAction, camel_case
from schema import docs
from schema import enums as graphql_enums
from schema.mutations.runner import pk, ticket_mutation, ticket_pk
from schema.permissions import ADMIN, AGENT
from schema.types.payloads import TicketPayload

_PERMISSIONS = {Role.AGENT: AGENT, Role.ADMIN: ADMIN}
_SCALARS: dict[Any, Any] = {str: str, int: int, bool: bool, datetime: datetime}


def _graphql_type(arg: Arg) -> Any:
    if arg.ref is not None:
        base: Any = strawberry.ID
    elif isinstance(arg.type, type) and issubclass(arg.type, Enum):
        base = getattr(graphql_enums, arg.type.__name__)  # the mirror of the domain enum
    else:
        base = _SCALARS[arg.type]
    return Optional[base] if arg.nullable else base  # noqa: UP045  # base is a runtime value


def _graphql_default(arg: Arg) -> Any:
    if isinstance(arg.default, Enum):
        return getattr(graphql_enums, type(arg.default).__name__)[arg.default.name]
    return arg.default


def _field(arg: Arg) -> Any:
    if arg.default is NO_DEFAULT:
        return strawberry.field(description=arg.description)
    return strawberry.field(default=_graphql_default(arg), description=arg.description)


def input_type(action: TicketAction[Any]) -> type:
    """`<Name>Input`: id, then the declared arguments, then expectedVersion."""
    spec = action.spec
    annotations: dict[str, Any] = {"id": strawberry.ID}
    namespace: dict[str, Any] = {"id": strawberry.field(description=spec.id_description)}
    for arg in spec.all_args:
        annotations[arg.name] = _graphql_type(arg)
        namespace[arg.name] = _field(arg)
    namespace["__annotations__"] = annotations
    namespace["__module__"] = __name__
    name = camel_case(spec.name)
    cls = type(name[:1].upper() + name[1:] + "Input", (), namespace)
    return strawberry.input(description=spec.input_description)(cls)


def _decoded(arg: Arg, value: Any) -> Any:
    return value if arg.ref is None else pk(value, arg.ref, camel_case(arg.name))


def mutation(action: TicketAction[Any]) -> StrawberryField:
    """The mutation running the action's command as the caller."""
    spec = action.spec
    input_cls = input_type(action)

    async def resolve(self: Any, info: Info, input: Any) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: action.command(
                env,
                me,
                ticket_pk(input.id),
                **{arg.name: _decoded(arg, getattr(input, arg.name)) for arg in spec.all_args},
            ),
            spec.renames,
        )

    resolve.__annotations__ = {
        "self": Any,
        "info": Info,
        "input": Annotated[input_cls, docs.INPUT_ARGUMENT],
        "return": TicketPayload,
    }
    resolve.__name__ = spec.name
    return strawberry.mutation(
        resolve, permission_classes=_PERMISSIONS[spec.role], description=spec.description
    )


def area_mutations(
    name: str,
    areas: Sequence[str],
    written: type | None = None,
    after: Mapping[str, str | None] | None = None,
) -> type:
    """One class of the Mutation root: the actions of `areas`, in order, and the mutations of
    the class `written` by hand, each placed after the action `after` names (None: first)."""
    fields: list[tuple[str, Any]] = [
        (action.spec.name, mutation(action)) for area in areas for action in in_area(area)
    ]
    for field_name, place in (after or {}).items():
        field = vars(written)[field_name]  # `after` names mutations of `written`
        at = 0 if place is None else [n for n, _ in fields].index(place) + 1
        fields.insert(at, (field_name, field))
    return strawberry.type(type(name, (), dict(fields)))
