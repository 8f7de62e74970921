"""The GraphQL surface. `schema` is built once; app.main is the only importer outside tests."""

from schema.root import build_schema, schema, schema_sdl

__all__ = ["build_schema", "schema", "schema_sdl"]
