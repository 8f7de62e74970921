"""Demo data: two workspaces of queue and helpdesk tickets, made through the real commands.

May import: app.tickets, app.access, app.live, app.domain, app.db.
"""
