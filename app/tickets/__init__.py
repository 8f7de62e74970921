"""Ticket commands and lifecycles: every write a client or a connector makes to a ticket.

Each command is one transaction (`unit_of_work`): lock, change rows, append the events the change
implies, commit, then wake subscribers. Each action on a ticket is declared once with
`@ticket_action` (lifecycle.py) in the module of its area; actions.py lists them all.
May import: app.live, app.db, app.domain, app.observability, app.background.
"""
