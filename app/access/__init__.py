"""Who may do what: workspaces, users, lines and teams (setup), API keys and roles, the
live-key cache, rate limits.

May import: app.tickets (setup commands run in its unit of work), app.live, app.loaders (the
key lookup's compiled statement), app.db, app.domain. Not app.ingest, app.demo or the edges.
"""
