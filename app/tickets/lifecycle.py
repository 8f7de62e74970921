"""Each action on an existing ticket declared once, on the function that applies it.

`@ticket_action(...)` on an `apply_*` function says everything else there is to say about the
action: its name, the kind of ticket, the statuses it may start from and the one it ends in, the
event it writes, the role it needs, and its arguments (with the words clients read about them).
The function only changes the ticket; it returns None (the declared event is written), a dict of
`changes` for the event, or NO_EVENT when there was nothing to do. From the declaration come:

- around the function (also when the demo or an import calls it): the from-status check, the
  snapshot to diff, the to-status, and the event;
- the service command, `action.command(env, principal, ticket_id, **arguments)`: one transaction
  with the ticket locked, the acting user checked, referenced rows loaded, then the function;
- the GraphQL mutation with its input type (schema/mutations/actions.py builds them);
- the lifecycle table in docs/LIFECYCLES.md (`python -m app.tickets.actions`).

Adding an action is one decorated function in the module of its area, and its test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Concatenate, Generic, ParamSpec, cast

from app.db import Ticket
from app.domain.enums import EventType, HelpdeskStatus, QueueStatus, Role, TicketKind
from app.domain.errors import DomainError, ErrorCode, invalid_transition
from app.domain.principal import Principal
from app.live.service_env import ServiceEnv
from app.tickets.command import ticket_command
from app.tickets.unit_of_work import UnitOfWork, snapshot

P = ParamSpec("P")
Status = QueueStatus | HelpdeskStatus
# Fetches a referenced row inside the transaction: (uow, key, input field) -> the row.
Loader = Callable[[UnitOfWork, int, str], Awaitable[Any]]

# The words for the arguments most actions share (schema/docs.py uses them too).
TICKET_ID = "The ticket to change: its global ID (`Ticket.id`)."
EXPECTED_VERSION = (
    "The ticket's `version` as you last read it: the mutation is refused with CONFLICT when "
    "someone changed the ticket since. Null (the default) skips the check."
)
ACTING_USER = (
    "The user this is done as, recorded as the event's actor; null (the default) means the "
    "API key's user."
)
DESK = "The desk number the visitor goes to (shown on queue boards); null when not told."


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NO_DEFAULT: Any = _Marker("NO_DEFAULT")
# What an apply function returns when it changed nothing: no event, no new version.
NO_EVENT: Any = _Marker("NO_EVENT")
# What an apply function returns: None (the declared event), the event's changes, or NO_EVENT.
Outcome = dict[str, Any] | None


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class Arg:
    """One argument of an action: an input field of its mutation and a keyword of its command.

    `type` is the value's Python type (str, int, bool, datetime, a domain enum); with `ref`
    the value is a global ID of that GraphQL type, which the mutation decodes to a key.
    """

    name: str
    description: str
    type: Any = str
    default: Any = NO_DEFAULT
    nullable: bool = False
    ref: str | None = None
    # The apply function's keyword, when it is not `name` (the row `load` fetched, say).
    apply_as: str | None = None
    load: Loader | None = None
    # The acting user: checked, and the transaction's actor; not passed to the function.
    acting: bool = False
    # A null value means the acting user.
    or_actor: bool = False

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT and not self.nullable

    @property
    def keyword(self) -> str:
        return self.apply_as or self.name


ACTING_USER_ARG = Arg("user_id", ACTING_USER, ref="User", default=None, nullable=True, acting=True)
EXPECTED_VERSION_ARG = Arg(
    "expected_version", EXPECTED_VERSION, type=int, default=None, nullable=True
)


@dataclass(frozen=True)
class ActionSpec:
    """What an action is; see the module docstring for what is made of it."""

    name: str  # snake_case: the command's name, camelCased the mutation's
    verb: str  # for refusals: "Cannot <verb> a ticket whose status is NEW."
    kind: TicketKind | None  # None: either kind
    event: EventType
    description: str  # the mutation's
    input_description: str
    args: tuple[Arg, ...] = ()
    from_statuses: frozenset[Status] | None = None  # None: any status (flags, assignment)
    to_status: Status | None = None  # None: the status stays
    role: Role = Role.AGENT
    actor_as: str | None = None  # the function's keyword for the acting user's id, if it takes it
    touch: bool = True  # False: the row does not change (a recall), no new version
    only_if_changed: bool = False  # no event when the function changed no column
    id_description: str = TICKET_ID
    module: str = ""  # the module that declares it, e.g. "queue_desk"
    # The group of mutations the API shows it in: its module's unless the declaration says.
    area: str = ""
    # Lock the acting user's row with the ticket: one call at a time per agent (a call serves
    # the agent's previous ticket).
    lock_actor: bool = False

    @property
    def all_args(self) -> tuple[Arg, ...]:
        """The input's fields after `id`, in order: expectedVersion always comes last."""
        return (*self.args, EXPECTED_VERSION_ARG)

    @property
    def renames(self) -> Mapping[str, str]:
        """Refusals name the function's keyword; the client knows the input field."""
        return {
            camel_case(arg.keyword): camel_case(arg.name)
            for arg in self.args
            if arg.apply_as is not None and arg.load is None
        }

    def check(self, ticket: Ticket) -> None:
        """May the action start from the ticket's status? (A flagged helpdesk ticket is frozen.)"""
        if self.from_statuses is None:
            return
        if ticket.spam or ticket.trashed_at is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"Cannot {self.verb} a ticket marked spam or trashed.",
                None,
            )
        status_type = QueueStatus if ticket.kind == TicketKind.QUEUE else HelpdeskStatus
        if status_type(ticket.status) not in self.from_statuses:
            raise invalid_transition(self.verb, ticket.status)


ApplyFn = Callable[Concatenate[UnitOfWork, Ticket, P], Awaitable[Outcome]]


@dataclass(frozen=True)
class TicketAction(Generic[P]):
    """An apply function with its declaration: call it like the function, on a ticket in this
    transaction (the demo and imports do), or run it as a whole command with `command`."""

    spec: ActionSpec
    apply: ApplyFn[P] = field(repr=False)

    async def __call__(
        self, uow: UnitOfWork, ticket: Ticket, *args: P.args, **kwargs: P.kwargs
    ) -> Ticket:
        spec = self.spec
        spec.check(ticket)
        before = snapshot(ticket)
        outcome = await self.apply(uow, ticket, *args, **kwargs)
        if outcome is NO_EVENT:
            return ticket
        if spec.to_status is not None:
            ticket.status = spec.to_status
        if spec.only_if_changed and snapshot(ticket) == before:
            return ticket
        # The acting user's id, when the function takes it as a keyword (a desk's clerk, say).
        actor = cast("int | None", kwargs.get(spec.actor_as)) if spec.actor_as else None
        await uow.record(
            ticket, spec.event, before, actor_id=actor, changes=outcome, touch=spec.touch
        )
        return ticket

    async def command(
        self, env: ServiceEnv, principal: Principal, ticket_id: int, /, **values: Any
    ) -> Ticket:
        """The action as one transaction, with the arguments its declaration names."""
        spec = self.spec
        values = _bind(spec, values)
        acting = next((values[arg.name] for arg in spec.args if arg.acting), None)
        async with ticket_command(
            env,
            principal,
            ticket_id,
            kind=spec.kind,
            action=spec.verb,
            user_id=acting,
            expected_version=values["expected_version"],
            lock_actor=spec.lock_actor,
        ) as (uow, ticket):
            keywords: dict[str, Any] = {}
            for arg in spec.args:
                if arg.acting:
                    continue
                value = values[arg.name]
                if value is None and arg.or_actor:
                    value = uow.actor_id
                if value is not None and arg.load is not None:
                    value = await arg.load(uow, value, camel_case(arg.name))
                keywords[arg.keyword] = value
            if spec.actor_as is not None:
                keywords[spec.actor_as] = uow.actor_id
            run: Callable[..., Awaitable[Ticket]] = self  # keywords come from the declaration
            return await run(uow, ticket, **keywords)


def _bind(spec: ActionSpec, values: dict[str, Any]) -> dict[str, Any]:
    """The command's keywords checked against the declaration, defaults filled in."""
    known = {arg.name: arg for arg in spec.all_args}
    unknown = values.keys() - known.keys()
    if unknown:
        raise TypeError(f"{spec.name}() got unexpected arguments {sorted(unknown)}")
    bound = {}
    for name, arg in known.items():
        if name in values:
            bound[name] = values[name]
        elif arg.default is not NO_DEFAULT:
            bound[name] = arg.default
        elif arg.nullable:
            bound[name] = None
        else:
            raise TypeError(f"{spec.name}() missing the argument {name!r}")
    return bound


# Every declared action. Within a module, in declaration order; modules in the order they were
# imported, which is not fixed: app.tickets.actions imports them all and gives the order.
REGISTRY: dict[str, TicketAction[Any]] = {}


def _kind_of(statuses: frozenset[Status] | None) -> TicketKind | None:
    if not statuses:
        return None
    return (
        TicketKind.QUEUE if isinstance(next(iter(statuses)), QueueStatus) else TicketKind.HELPDESK
    )


def ticket_action(
    name: str,
    *,
    event: EventType,
    description: str,
    input_description: str,
    args: tuple[Arg, ...] = (),
    from_statuses: frozenset[Status] | set[Status] | None = None,
    to_status: Status | None = None,
    kind: TicketKind | None = None,
    verb: str | None = None,
    role: Role = Role.AGENT,
    actor_as: str | None = None,
    touch: bool = True,
    only_if_changed: bool = False,
    id_description: str = TICKET_ID,
    area: str | None = None,
    lock_actor: bool = False,
) -> Callable[[ApplyFn[P]], TicketAction[P]]:
    """Declare the action the decorated `apply_*(uow, ticket, **keywords)` function applies.

    The kind of ticket follows from the statuses (else `kind`; None: either kind); the verb of
    refusals ("Cannot <verb> a ticket ...") from the name ("mark_ticket_served": "mark served").
    """
    statuses = None if from_statuses is None else frozenset(from_statuses)

    def declare(apply: ApplyFn[P]) -> TicketAction[P]:
        if name in REGISTRY:
            raise ValueError(f"the action {name} is declared twice")
        spec = ActionSpec(
            name=name,
            verb=verb or name.replace("_ticket", "").replace("_", " "),
            kind=kind or _kind_of(statuses),
            event=event,
            description=description,
            input_description=input_description,
            args=args,
            from_statuses=statuses,
            to_status=to_status,
            role=role,
            actor_as=actor_as,
            touch=touch,
            only_if_changed=only_if_changed,
            id_description=id_description,
            module=apply.__module__.rpartition(".")[2],
            area=area or apply.__module__.rpartition(".")[2],
            lock_actor=lock_actor,
        )
        action = TicketAction(spec, apply)
        REGISTRY[name] = action
        return action

    return declare


def _statuses(statuses: frozenset[Status] | None) -> str:
    if statuses is None:
        return "any"
    order = [*QueueStatus, *HelpdeskStatus]
    return ", ".join(s.value for s in sorted(statuses, key=order.index))


def _value(value: Any) -> str:
    return value.value if isinstance(value, Enum) else str(value)


def lifecycle_table(actions: list[TicketAction[Any]]) -> str:
    """The actions as a Markdown table, for docs/LIFECYCLES.md."""
    lines = [
        "| mutation | kind | from status | to status | event | role | arguments |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for action in actions:
        spec = action.spec
        arguments = ", ".join(
            camel_case(arg.name) + ("" if not arg.required else "!") for arg in spec.all_args
        )
        lines.append(
            f"| `{camel_case(spec.name)}` | {_value(spec.kind) if spec.kind else 'any'} "
            f"| {_statuses(spec.from_statuses)} "
            f"| {_value(spec.to_status) if spec.to_status else '(stays)'} "
            f"| {spec.event.value} | {spec.role.value} | `id!`, {arguments} |"
        )
    return "\n".join(lines) + "\n"
