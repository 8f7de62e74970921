"""The fast executor under the schema: prefetching a page's relations, compiled completion of
sub-selections, leaf values, direct resolver calls. Knows graphql-core, app.loaders,
app.context and schema.errors, not the schema's types, queries or mutations (pyproject.toml).
"""
