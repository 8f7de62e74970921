"""Non-GraphQL routes. Each module exposes `routes: list[BaseRoute]`; app.main mounts them.

An edge: may import app.context, app.access, app.ingest, app.live and the utilities; the
GraphQL schema is app.main's to wire, not this package's.
"""
