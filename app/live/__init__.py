"""The live side: the event log, the feed that fans new events out to subscribers, event
matching, snapshots, the broker that wakes other processes, and `ServiceEnv` (the database and
the broker every command and feed is given).

The event log is the truth; the broker only says "look now". May import: app.db, app.domain,
app.observability (metrics), app.background. The commands that append to the log
(app.tickets.unit_of_work) sit above it.
"""
