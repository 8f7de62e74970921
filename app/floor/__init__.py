"""The queue floor: what a TV board shows (app/floor/board.py), line statistics computed in SQL
from the event log (stats.py), and when a waiting visitor will be called (estimates.py, from
the line's recent service times and active desks: service_rate.py).

May import: app.domain, app.db, app.loaders, app.live.
"""
