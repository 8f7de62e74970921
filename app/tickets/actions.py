"""Every declared ticket action, in the order the API lists them.

Importing this module imports every module that declares actions, so the list is complete.
`python -m app.tickets.actions` prints the lifecycle table of docs/LIFECYCLES.md.
"""

from __future__ import annotations

from typing import Any

from app.tickets import (
    assignment,
    extras,
    helpdesk,
    helpdesk_flags,
    labels,
    messages,
    queue,
    queue_desk,
)
from app.tickets.lifecycle import REGISTRY, TicketAction, lifecycle_table

# The modules that declare actions, in the order their actions are listed.
MODULES = [queue, queue_desk, helpdesk, helpdesk_flags, assignment, labels, extras, messages]
_ORDER = [module.__name__.rpartition(".")[2] for module in MODULES]


def _position(action: TicketAction[Any]) -> tuple[int, int]:
    return _ORDER.index(action.spec.module), list(REGISTRY).index(action.spec.name)


ACTIONS: list[TicketAction[Any]] = sorted(REGISTRY.values(), key=_position)


def in_area(area: str) -> list[TicketAction[Any]]:
    """The actions the API groups under `area` (their module's name unless declared)."""
    return [action for action in ACTIONS if action.spec.area == area]


if __name__ == "__main__":
    print("# Ticket lifecycles\n")
    print(
        "Generated from the `@ticket_action` declarations (app/tickets/lifecycle.py) by\n"
        "`python -m app.tickets.actions > docs/LIFECYCLES.md`; a test keeps it current.\n"
        "Each row is one mutation; `!` marks a required input field.\n"
    )
    print(lifecycle_table(ACTIONS), end="")
