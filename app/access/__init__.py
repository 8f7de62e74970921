"""Who may do what: workspaces, users, API keys and roles, the live-key cache, rate limits.

May import: app.domain, app.db.
"""
