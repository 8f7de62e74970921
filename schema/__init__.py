"""The GraphQL surface. `schema` is built once; app.main is the only importer outside tests.

Resolvers stay thin: they reach the core through app.context, commands (app.tickets,
app.access), loaders (app.loaders), the feed (app.live), rows (app.db) and rules (app.domain);
never app.http, app.cli, app.main, app.demo or app.ingest, nor a transaction (pyproject.toml).
"""

from schema.root import build_schema, schema, schema_sdl

__all__ = ["build_schema", "schema", "schema_sdl"]
