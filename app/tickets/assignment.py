"""Who works a ticket (assignee, and for queue tickets who assigned it) and which team has it.
Setting what is already set is a no-op: no event. Declared once each with `@ticket_action`."""

from __future__ import annotations

from app.db import Team, Ticket, User
from app.domain.enums import EventType
from app.tickets.command import get_row
from app.tickets.lifecycle import ACTING_USER_ARG, NO_EVENT, Arg, Outcome, ticket_action
from app.tickets.unit_of_work import UnitOfWork


@ticket_action(
    "assign_ticket",
    event=EventType.ASSIGNED,
    description="Keeps the status.",
    input_description="Make a user responsible for a ticket; its status stays.",
    args=(Arg("assignee_id", "The user to assign (`User.id`).", ref="User"), ACTING_USER_ARG),
)
async def apply_assign(uow: UnitOfWork, ticket: Ticket, *, assignee_id: int) -> Outcome:
    await get_row(uow, User, assignee_id, "assigneeId")
    if ticket.assignee_id == assignee_id:
        return NO_EVENT
    ticket.assignee_id = assignee_id
    ticket.assigner_id = uow.actor_id
    return None


@ticket_action(
    "unassign_ticket",
    event=EventType.UNASSIGNED,
    description="Take the assignee away; keeps the status.",
    input_description="Take a ticket's assignee away; its status stays.",
    args=(ACTING_USER_ARG,),
)
async def apply_unassign(uow: UnitOfWork, ticket: Ticket) -> Outcome:
    if ticket.assignee_id is None:
        return NO_EVENT
    ticket.assignee_id = None
    ticket.assigner_id = None
    return None


@ticket_action(
    "set_ticket_team",
    event=EventType.TEAM_SET,
    description="Route a ticket to a team.",
    input_description="Route a ticket to a team, or take its team away.",
    args=(Arg("team_id", "null takes the team away.", ref="Team", nullable=True),),
    area="helpdesk",
)
async def apply_set_team(uow: UnitOfWork, ticket: Ticket, *, team_id: int | None) -> Outcome:
    if team_id is not None:
        await get_row(uow, Team, team_id, "teamId")
    if ticket.team_id == team_id:
        return NO_EVENT
    ticket.team_id = team_id
    return None


assign_ticket = apply_assign.command
unassign_ticket = apply_unassign.command
set_ticket_team = apply_set_team.command
