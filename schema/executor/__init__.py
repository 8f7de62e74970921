"""The fast executor under the schema: prefetching a page's relations, compiled completion of
sub-selections, leaf values, direct resolver calls. Knows graphql-core and app.loaders, not the
schema's types.
"""
