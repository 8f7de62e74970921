"""The `ticketgw` command: its subcommands (`main`), their checks of the database, exit statuses
and progress bars. The CLI is an edge: it may import anything in app/.
"""
