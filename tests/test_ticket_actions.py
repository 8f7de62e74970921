"""The `@ticket_action` declarations are what the API, the checks and the docs say (no DB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull

from app.db import Ticket
from app.domain.enums import EventType, HelpdeskStatus, QueueStatus, TicketKind
from app.domain.errors import DomainError, ErrorCode
from app.tickets.actions import ACTIONS, in_area
from app.tickets.lifecycle import (
    REGISTRY,
    ActionSpec,
    Arg,
    TicketAction,
    camel_case,
    ticket_action,
)
from app.tickets.unit_of_work import UnitOfWork
from schema import schema
from schema.mutations.actions import area_mutations

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent
STATUSES: dict[TicketKind, list[Any]] = {
    TicketKind.QUEUE: list(QueueStatus),
    TicketKind.HELPDESK: list(HelpdeskStatus),
}


def test_the_lifecycle_doc_is_generated_from_the_declarations() -> None:
    made = subprocess.run(
        [sys.executable, "-m", "app.tickets.actions"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    assert (ROOT / "docs" / "LIFECYCLES.md").read_text() == made
    assert "| `markTicketServed` | QUEUE | CALLED | SERVED | SERVED | AGENT |" in made


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.spec.name)
def test_each_action_is_a_mutation_with_its_declared_input(action: TicketAction[Any]) -> None:
    spec = action.spec
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    field = mutation_type.fields[camel_case(spec.name)]
    assert field.description == spec.description
    input_type = field.args["input"].type.of_type
    assert isinstance(input_type, GraphQLInputObjectType)
    assert input_type.description == spec.input_description
    names = ["id", *(camel_case(arg.name) for arg in spec.all_args)]
    assert list(input_type.fields) == names
    required = [n for n, f in input_type.fields.items() if isinstance(f.type, GraphQLNonNull)]
    non_null = [camel_case(a.name) for a in spec.all_args if not a.nullable]
    assert required == ["id", *non_null]


def _ticket(kind: TicketKind, status: Any, **flags: Any) -> Ticket:
    return Ticket(workspace_id=1, kind=kind, status=status, state="OPEN", **flags)


@pytest.mark.parametrize(
    "action", [a for a in ACTIONS if a.spec.from_statuses], ids=lambda a: a.spec.name
)
async def test_an_action_refuses_every_status_it_is_not_declared_to_start_from(
    action: TicketAction[Any],
) -> None:
    spec = action.spec
    assert spec.kind is not None and spec.from_statuses is not None
    others = [s for s in STATUSES[spec.kind] if s not in spec.from_statuses]
    for status in others:
        # The check comes before the function touches the unit of work: none is needed.
        with pytest.raises(DomainError) as refused:
            await action(None, _ticket(spec.kind, status))  # type: ignore[arg-type]  # never used
        assert refused.value.code == ErrorCode.INVALID_TRANSITION
        assert spec.verb in refused.value.message
    if spec.kind == TicketKind.HELPDESK:  # a flagged conversation is frozen
        start = next(iter(spec.from_statuses))
        with pytest.raises(DomainError, match="marked spam or trashed"):
            await action(None, _ticket(spec.kind, start, spam=True))  # type: ignore[arg-type]  # never used


class _RecordingUow:
    """Just what the declaration's wrapper touches: `record`."""

    def __init__(self) -> None:
        self.recorded: list[tuple[Any, ...]] = []

    async def record(self, ticket: Ticket, type_: EventType, before: Any, **kw: Any) -> None:
        self.recorded.append((type_, before["status"], ticket.status, kw))


async def test_the_declaration_moves_the_status_and_writes_the_event() -> None:
    calls: list[str] = []

    async def only_notes_it(uow: Any, ticket: Ticket, *, user_id: int) -> None:
        calls.append(ticket.status)

    spec = ActionSpec(
        name="serve_quietly",
        verb="serve",
        kind=TicketKind.QUEUE,
        event=EventType.SERVED,
        description="d",
        input_description="d",
        from_statuses=frozenset({QueueStatus.CALLED}),
        to_status=QueueStatus.SERVED,
        actor_as="user_id",
    )
    uow = _RecordingUow()
    ticket = _ticket(TicketKind.QUEUE, QueueStatus.CALLED)
    assert await TicketAction(spec, only_notes_it)(uow, ticket, user_id=7) is ticket  # type: ignore[arg-type]  # a stand-in
    assert calls == ["CALLED"]  # the function sees the status it started from
    assert uow.recorded == [
        (EventType.SERVED, "CALLED", "SERVED", {"actor_id": 7, "changes": None, "touch": True})
    ]


async def test_an_action_with_nothing_to_do_writes_no_event() -> None:
    uow = _RecordingUow()
    spam = _ticket(TicketKind.HELPDESK, HelpdeskStatus.OPEN, spam=True)
    await REGISTRY["mark_ticket_spam"](uow, spam)  # type: ignore[arg-type]  # a stand-in
    assert uow.recorded == []
    await REGISTRY["restore_ticket"](uow, spam)  # type: ignore[arg-type]  # a stand-in
    assert [r[0] for r in uow.recorded] == [EventType.RESTORED]
    assert spam.spam is False


async def test_a_command_takes_only_the_declared_arguments() -> None:
    served = REGISTRY["mark_ticket_served"]
    with pytest.raises(TypeError, match="unexpected arguments \\['desk'\\]"):
        await served.command(None, None, 1, desk=3)  # type: ignore[arg-type]  # refused first
    snooze = REGISTRY["snooze_ticket"]
    with pytest.raises(TypeError, match="missing the argument 'until'"):
        await snooze.command(None, None, 1)  # type: ignore[arg-type]  # refused first


def test_adding_an_action_is_one_declaration() -> None:
    @ticket_action(
        "wave_at_ticket",
        verb="wave at",
        kind=TicketKind.QUEUE,
        event=EventType.RECALLED,
        description="Wave at a CALLED visitor.",
        input_description="Wave at a visitor.",
        from_statuses={QueueStatus.CALLED},
        args=(Arg("times", "How often.", type=int, default=1),),
        area="test_waving",
    )
    async def apply_wave(uow: UnitOfWork, ticket: Ticket, *, times: int = 1) -> None:
        return None

    try:
        assert [a.spec.name for a in in_area("test_waving")] == []  # ACTIONS is fixed at import
        made = area_mutations("WavingMutations", [])
        assert made.__strawberry_definition__.fields == []  # type: ignore[attr-defined]
        from app.tickets import actions

        actions.ACTIONS.append(apply_wave)
        made = area_mutations("WavingMutations", ["test_waving"])
        (field,) = made.__strawberry_definition__.fields  # type: ignore[attr-defined]
        assert field.python_name == "wave_at_ticket"
        assert field.description == "Wave at a CALLED visitor."
        (argument,) = field.arguments
        input_fields = argument.type.__strawberry_definition__.fields
        assert [f.python_name for f in input_fields] == ["id", "times", "expected_version"]
        assert argument.type.__name__ == "WaveAtTicketInput"
    finally:
        REGISTRY.pop("wave_at_ticket", None)
        from app.tickets import actions

        if apply_wave in actions.ACTIONS:
            actions.ACTIONS.remove(apply_wave)
