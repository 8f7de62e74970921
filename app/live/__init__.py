"""The live side: the event log, the feed that fans new events out to subscribers, event
matching, snapshots, and the broker that wakes other processes.

The event log is the truth; the broker only says "look now". May import: app.domain, app.db.
"""
