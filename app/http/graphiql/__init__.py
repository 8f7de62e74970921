"""GraphiQL at GET /graphql: the page, its files shipped inside the package, and the
maintainers' tool that refreshes them.
"""
