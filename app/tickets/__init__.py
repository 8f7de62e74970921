"""Ticket commands and lifecycles: every write a client or a connector makes to a ticket.

Each command is one transaction (`unit_of_work`): lock, change rows, append the events the change
implies, commit, then wake subscribers. May import: app.domain, app.db, app.loaders, app.live.
"""
